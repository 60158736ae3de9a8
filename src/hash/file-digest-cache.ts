import type { Stats } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * The digests of context files from an earlier run, trusted while a file's stat is the same: size,
 * modification and change times, inode and device (what git's index and BuildKit's local context sync
 * compare). Written by hand: no maintained npm library keeps such a stat-keyed digest cache.
 *
 * When it is safe: a change time cannot be set from user space, so a file rewritten since, or a checkout
 * (a CI run, a `.pinyard/` copied from another machine), never matches. A file changed again within the
 * filesystem's timestamp granularity of the read that hashed it could keep its stat; so a digest is only
 * recorded for a file whose times were already `SETTLED_MS` old when it was hashed (git's "racily clean"
 * rule). And a digest wrongly kept could only make a build reuse a content tag: a build that sends the file
 * checks what it sends against the digest (engine/context-tar.ts).
 */
export interface FileDigestCache {
  /** The digest recorded for `path` (absolute) when its stat is the same as then. */
  get(path: string, stats: Stats): string | undefined;
  /** Records a digest read from `path`, with the stat taken before the read. */
  set(path: string, stats: Stats, digest: string): void;
}

/** Files whose times are younger than this when hashed are not recorded (see above). */
const SETTLED_MS = 3_000;

/** [size, mtimeMs, ctimeMs, ino, dev, digest] */
type Entry = [number, number, number, number, number, string];

interface CacheFile {
  version: 1;
  entries: Record<string, Entry>;
}

/** A cache kept in `file` (JSON); `save` writes the entries used or recorded by this run, and only those. */
export class FileDigestCacheFile implements FileDigestCache {
  readonly #file: string;
  readonly #now: () => number;
  #earlier = new Map<string, Entry>();
  readonly #kept = new Map<string, Entry>();

  constructor(file: string, now: () => number = Date.now) {
    this.#file = file;
    this.#now = now;
  }

  /** Reads the file; a missing or unreadable one is an empty cache (it is only a cache). */
  async load(): Promise<this> {
    try {
      const parsed = JSON.parse(await readFile(this.#file, 'utf8')) as Partial<CacheFile>;
      if (parsed.version === 1 && parsed.entries && typeof parsed.entries === 'object') {
        this.#earlier = new Map(Object.entries(parsed.entries).filter(([, entry]) => isEntry(entry)));
      }
    } catch {
      this.#earlier = new Map();
    }
    return this;
  }

  get(path: string, stats: Stats): string | undefined {
    const entry = this.#kept.get(path) ?? this.#earlier.get(path);
    if (!entry || !sameStat(entry, stats)) return undefined;
    this.#kept.set(path, entry);
    return entry[5];
  }

  set(path: string, stats: Stats, digest: string): void {
    if (this.#now() - Math.max(stats.mtimeMs, stats.ctimeMs) < SETTLED_MS) return;
    this.#kept.set(path, [stats.size, stats.mtimeMs, stats.ctimeMs, stats.ino, stats.dev, digest]);
  }

  /**
   * Writes what this run used and recorded (another run's images are hashed again next time: the file
   * never grows past one run's contexts), through a temporary file and a rename, so a reader never sees
   * half of it. Best effort: a cache that cannot be written costs a rehash, never a failed build.
   */
  async save(): Promise<void> {
    const body: CacheFile = { version: 1, entries: Object.fromEntries(this.#kept) };
    const temporary = `${this.#file}.${process.pid}.tmp`;
    try {
      await mkdir(dirname(this.#file), { recursive: true, mode: 0o700 });
      await writeFile(temporary, JSON.stringify(body), { mode: 0o600 });
      await rename(temporary, this.#file);
    } catch {
      // Only a cache.
    }
  }
}

function sameStat(entry: Entry, stats: Stats): boolean {
  return (
    entry[0] === stats.size &&
    entry[1] === stats.mtimeMs &&
    entry[2] === stats.ctimeMs &&
    entry[3] === stats.ino &&
    entry[4] === stats.dev
  );
}

function isEntry(value: unknown): value is Entry {
  return (
    Array.isArray(value) &&
    value.length === 6 &&
    value.slice(0, 5).every((n) => typeof n === 'number') &&
    typeof value[5] === 'string' &&
    /^sha256:[0-9a-f]{64}$/.test(value[5])
  );
}
