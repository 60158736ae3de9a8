// Loaded with `node --import` into a benchmarked process: prints its peak RSS (KiB) to stderr at exit.
import { writeSync } from 'node:fs';

process.on('exit', () => writeSync(2, `pinyard-bench-maxrss=${process.resourceUsage().maxRSS}\n`));
