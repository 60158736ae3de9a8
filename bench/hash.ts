import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { contextFiles, FileDigestCacheFile } from '../src/hash/index.js';
import { median } from './measure.js';
import { printTable } from './table.js';

const fileCount = 4000;
const fileBytes = 32 * 1024;
const runs = 5;

/**
 * Hashing a large build context (4,000 files of 32 KB, 125 MiB): with no cache, as on a fresh checkout, and
 * with the stat-keyed digest cache of the run before (src/hash/file-digest-cache.ts), against the least any
 * tool reading the context pays, `tar -c | sha256sum` (what `docker build` reads to send it). The files are
 * in the page cache for every run, so this is CPU and system calls, not the disk. In-process: the cache's
 * clock is set 10 s ahead, so files written moments ago count as settled (a user's files are older).
 */
export async function benchHash(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'pinyard-bench-hash-'));
  try {
    const context = join(dir, 'ctx');
    for (let d = 0; d < fileCount / 100; d++) {
      await mkdir(join(context, `d${d}`), { recursive: true });
      for (let f = 0; f < 100; f++) {
        await writeFile(join(context, `d${d}`, `f${f}.bin`), Buffer.alloc(fileBytes, (d * 100 + f) % 251));
      }
    }
    await writeFile(join(context, 'Dockerfile'), 'FROM scratch\nCOPY . /\n');
    const cacheFile = join(dir, 'file-digests.json');
    const later = () => Date.now() + 10_000;
    const hash = async (cache?: FileDigestCacheFile) => {
      const started = performance.now();
      await contextFiles(context, { dockerfile: 'Dockerfile', ...(cache ? { digestCache: cache } : {}) });
      await cache?.save();
      return performance.now() - started;
    };
    const tar = async () => {
      const started = performance.now();
      await execa('sh', ['-c', 'tar -cf - . | sha256sum >/dev/null'], { cwd: context });
      return performance.now() - started;
    };
    // Warm-up: the page cache, and the digest cache the warm runs start from.
    await tar();
    await hash(await new FileDigestCacheFile(cacheFile, later).load());
    const times = { cold: [] as number[], warm: [] as number[], tar: [] as number[] };
    for (let i = 0; i < runs; i++) {
      times.cold.push(await hash());
      times.warm.push(await hash(await new FileDigestCacheFile(cacheFile, later).load()));
      times.tar.push(await tar());
    }
    const [cold, warm, tarMs] = [median(times.cold), median(times.warm), median(times.tar)];
    printTable(
      `hashing a build context of ${fileCount} files, ${(fileCount * fileBytes) / 2 ** 20} MiB (median of ${runs})`,
      [
        ['run', 'wall ms', 'ratio'],
        [
          'every file read and hashed (a fresh checkout)',
          cold.toFixed(0),
          `tar / this ${(tarMs / cold).toFixed(1)}×`,
        ],
        [
          'digests kept by stat from the run before',
          warm.toFixed(0),
          `tar / this ${(tarMs / warm).toFixed(1)}×`,
        ],
        ['`tar -c . | sha256sum` (reading it as docker build does)', tarMs.toFixed(0), ''],
      ],
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
