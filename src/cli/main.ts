#!/usr/bin/env node
import { run } from './run.js';

const code = await run(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
});
// exitCode, not exit(): let stdout drain when it is a pipe.
process.exitCode = code;
