// `npm run bench [-- NAME…]`: runs the named benchmarks (all by default) and prints their tables.
import { benchBuild } from './build.js';
import { benchCache } from './cache.js';
import { benchHash } from './hash.js';
import { benchLock } from './lock.js';
import { benchNoChange } from './no-change.js';
import { benchOutputLines } from './output-lines.js';
import { benchPlan } from './plan.js';
import { benchPlatforms } from './platforms.js';
import { benchPromote } from './promote.js';
import { benchStartUp } from './start-up.js';
import { benchStatus } from './status.js';

const benchmarks: Record<string, () => void | Promise<void>> = {
  'start-up': benchStartUp,
  plan: benchPlan,
  lock: benchLock,
  build: benchBuild,
  'no-change': benchNoChange,
  hash: benchHash,
  promote: benchPromote,
  platforms: benchPlatforms,
  'output-lines': benchOutputLines,
  status: benchStatus,
  cache: benchCache,
};

const names = process.argv.slice(2);
for (const name of names.length ? names : Object.keys(benchmarks)) {
  const bench = benchmarks[name];
  if (!bench) {
    console.error(`unknown benchmark "${name}"; known: ${Object.keys(benchmarks).join(', ')}`);
    process.exit(2);
  }
  await bench();
}
