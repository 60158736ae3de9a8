// Loaded with `node --require` into a benchmarked process (CommonJS, so Node's ESM loader is not started
// for it): prints the process's CPU time (µs) and peak RSS (KiB) to stderr at exit.
const { writeSync } = require('node:fs');

process.on('exit', () => {
  const usage = process.resourceUsage();
  writeSync(2, `pinyard-bench-cpu=${usage.userCPUTime + usage.systemCPUTime} maxrss=${usage.maxRSS}\n`);
});
