#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm ci` through `prepare`).
// The runtime is checked first: on an unsupported Node the native SQLite addon would crash.
import { unsupportedNode } from './node-support.js';

const unsupported = unsupportedNode();
if (unsupported) {
  process.stderr.write(`error: ${unsupported}\n`);
  process.exit(1);
}
const { main } = await import('../dist/adapters/cli/main.js');
main(process.argv).then((code) => {
  process.exitCode = code;
});
