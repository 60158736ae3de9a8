#!/usr/bin/env node
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { commandOf, loadBundle } from './compile-cache.js';
import type * as Cli from './run.js';

// fetch parses HTTP with undici's WebAssembly llhttp. V8 re-compiles it optimized in the background after
// first use, and a process that has finished waits for that compile before it exits: 0.3 to 0.5 s added to
// every command that talks to a registry. The baseline compiler's code parses headers and chunk framing far
// faster than any registry sends them, so the CLI switches the optimizing tier off before the first request.
setFlagsFromString('--liftoff-only');

// The whole CLI is one CommonJS bundle beside this file (scripts/bundle.mjs), loaded with V8's code cache.
// This launcher is CommonJS too: starting Node's ESM loader costs more than the rest of `pinyard --help`.
const argv = process.argv.slice(2);
const { run } = loadBundle<typeof Cli>(join(__dirname, 'pinyard.cjs'), commandOf(argv));
void run(argv, {
  cwd: process.cwd(),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
}).then((code) => {
  // exitCode, not exit(): let stdout drain when it is a pipe.
  process.exitCode = code;
});
