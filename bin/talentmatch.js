#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm ci` through `prepare`).
// The runtime is checked first: on an unsupported Node the native SQLite addon would crash.
import module from 'node:module';
import { unsupportedNode } from './node-support.js';

const unsupported = unsupportedNode();
if (unsupported) {
  process.stderr.write(`error: ${unsupported}\n`);
  process.exit(1);
}
// V8's code for the CLI's modules kept on disk across runs (Node's module compile cache: about
// 30 ms less before the first command runs, and less for each worker thread before its first
// task, docs/PERFORMANCE.md). Where Node puts it: NODE_COMPILE_CACHE if set, else
// <os.tmpdir()>/node-compile-cache; NODE_DISABLE_COMPILE_CACHE=1 turns it off. A directory that
// cannot be written only leaves it off (the call never throws). The worker threads inherit it
// through the environment (a worker copies process.env when it starts).
const cache = module.enableCompileCache?.();
if (cache?.directory && !process.env.NODE_COMPILE_CACHE) process.env.NODE_COMPILE_CACHE = cache.directory;
const { main } = await import('../dist/adapters/cli/main.js');
main(process.argv).then((code) => {
  process.exitCode = code;
});
