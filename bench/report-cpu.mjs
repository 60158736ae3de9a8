// Loaded with `node --import` into a benchmarked process: prints the CPU time it used (user + system, ms)
// to stderr at exit, so a table can tell waiting on the network from work.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  const { userCPUTime, systemCPUTime } = process.resourceUsage();
  writeSync(2, `pinyard-bench-cpu-ms=${Math.round((userCPUTime + systemCPUTime) / 1000)}\n`);
});
