#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';
import { run } from './run.js';

// fetch parses HTTP with undici's WebAssembly llhttp. V8 re-compiles it optimized in the background after
// first use, and a process that has finished waits for that compile before it exits: 0.3 to 0.5 s added to
// every command that talks to a registry. The baseline compiler's code parses headers and chunk framing far
// faster than any registry sends them, so the CLI switches the optimizing tier off before the first request.
setFlagsFromString('--liftoff-only');

const code = await run(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
});
// exitCode, not exit(): let stdout drain when it is a pipe.
process.exitCode = code;
