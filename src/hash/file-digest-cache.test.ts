import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contextFiles } from './context-files.js';
import { FileDigestCacheFile } from './file-digest-cache.js';

const sha = (c: string) => `sha256:${c.repeat(64)}`;
/** The digest of "hello\n". */
const hello = 'sha256:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03';

let dir: string;
let cacheFile: string;
/** A clock 10 s ahead: every file written by the test counts as settled. */
const later = () => Date.now() + 10_000;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pinyard-digest-cache-'));
  await mkdir(join(dir, 'ctx'));
  await writeFile(join(dir, 'ctx', 'Dockerfile'), 'FROM scratch\n');
  await writeFile(join(dir, 'ctx', 'a.txt'), 'hello\n');
  cacheFile = join(dir, 'cache', 'file-digests.json');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const digestOf = async (cache: FileDigestCacheFile, path = 'a.txt') =>
  (await contextFiles(join(dir, 'ctx'), { dockerfile: 'Dockerfile', digestCache: cache })).find(
    (e) => e.path === path,
  )?.digest;

/** Replaces a.txt's recorded digest in the cache file, as if an earlier run had recorded another one. */
async function forgeDigest(digest: string): Promise<void> {
  const body = JSON.parse(await readFile(cacheFile, 'utf8'));
  body.entries[join(dir, 'ctx', 'a.txt')][5] = digest;
  await writeFile(cacheFile, JSON.stringify(body));
}

describe('FileDigestCacheFile', () => {
  it('keeps a digest while the file’s stat is unchanged: the file is not read again', async () => {
    const first = new FileDigestCacheFile(cacheFile, later);
    expect(await digestOf(await first.load())).toBe(hello);
    await first.save();
    // What the next run reads comes from the cache, not the file: a forged entry shows it.
    await forgeDigest(sha('f'));
    expect(await digestOf(await new FileDigestCacheFile(cacheFile, later).load())).toBe(sha('f'));
  });

  it('reads a file again once it changed, even to the same size', async () => {
    const first = await new FileDigestCacheFile(cacheFile, later).load();
    await digestOf(first);
    await first.save();
    await forgeDigest(sha('f'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await writeFile(join(dir, 'ctx', 'a.txt'), 'HELLO\n');
    const digest = await digestOf(await new FileDigestCacheFile(cacheFile, later).load());
    expect(digest).not.toBe(sha('f'));
    expect(digest).not.toBe(hello);
  });

  it('records nothing for a file written moments ago (it could change again unseen)', async () => {
    const cache = await new FileDigestCacheFile(cacheFile).load();
    expect(await digestOf(cache)).toBe(hello);
    await cache.save();
    expect(JSON.parse(await readFile(cacheFile, 'utf8')).entries).toEqual({});
  });

  it('keeps only what the last run used, and takes a damaged file for an empty cache', async () => {
    const first = await new FileDigestCacheFile(cacheFile, later).load();
    await digestOf(first);
    await first.save();
    expect(Object.keys(JSON.parse(await readFile(cacheFile, 'utf8')).entries).sort()).toEqual([
      join(dir, 'ctx', 'Dockerfile'),
      join(dir, 'ctx', 'a.txt'),
    ]);
    const unused = await new FileDigestCacheFile(cacheFile, later).load();
    await unused.save();
    expect(JSON.parse(await readFile(cacheFile, 'utf8')).entries).toEqual({});
    await writeFile(cacheFile, '{"version": 1, "entries": {"x": [1, 2, 3]}');
    expect(await digestOf(await new FileDigestCacheFile(cacheFile, later).load())).toBe(hello);
  });
});
