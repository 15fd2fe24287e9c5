#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm ci` through `prepare`).
import { main } from '../dist/adapters/cli/main.js';

main(process.argv).then((code) => {
  process.exitCode = code;
});
