import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

/**
 * Loads the CLI's CommonJS bundle with V8's code cache, so that a command does not parse and compile
 * pinyard's ~2 MB of JavaScript on every start (about half of `plan`'s start-up on Node 20).
 *
 * Node 22's `module.enableCompileCache()` does this for every module and is used where it exists. Node 20
 * has no such switch; this is the same thing by hand (no maintained package does it: v8-compile-cache
 * stores the cache made at compile time, which for a bundle of lazily initialised modules holds almost
 * nothing). The cache is taken after the command ran, so it holds every function the command compiled,
 * one file per command (`plan` and `build` compile different halves of the bundle).
 *
 * The cache lives in the user's own cache directory (`$XDG_CACHE_HOME/pinyard` or `~/.cache/pinyard`,
 * mode 0700), never in a shared temporary directory: V8 runs what a cache file says. It is keyed by the
 * bundle's size and mtime (V8 itself checks only the source's length) and the Node version; V8 refuses a
 * cache made with other flags, and a refused cache is rewritten. `PINYARD_COMPILE_CACHE=0` turns it off.
 */
export function loadBundle<T>(file: string, variant: string, env: NodeJS.ProcessEnv = process.env): T {
  const dir = cacheDir(env);
  const enable = (Module as { enableCompileCache?: (dir?: string) => unknown }).enableCompileCache;
  if (enable) {
    if (dir !== undefined) enable(dir);
    return createRequire(file)(file) as T;
  }
  const stat = statSync(file);
  const cacheFile =
    dir === undefined
      ? undefined
      : join(
          dir,
          `${basename(file)}-${variant}-${stat.size}-${Math.trunc(stat.mtimeMs)}-${process.version}-${process.arch}.v8`,
        );
  const cachedData = cacheFile === undefined ? undefined : readIfThere(cacheFile);
  // The bundle is ASCII (scripts/bundle.mjs checks it), so latin1 reads it as UTF-8 would, without the
  // decoding: a millisecond of every start.
  const script = new Script(Module.wrap(readFileSync(file, 'latin1')), {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  const module = { exports: {} as T };
  const wrapper = script.runInThisContext() as (
    exports: T,
    require: NodeJS.Require,
    module: { exports: T },
    filename: string,
    dirname: string,
  ) => void;
  wrapper(module.exports, createRequire(file), module, file, dirname(file));
  if (cacheFile !== undefined && (cachedData === undefined || script.cachedDataRejected)) {
    // At exit, when the command has compiled what it needed; written whole, then renamed into place.
    process.once('exit', () => save(cacheFile, script));
  }
  return module.exports;
}

/** `plan`, `build`, … from the arguments: the cache file of that command. */
export function commandOf(argv: readonly string[]): string {
  return argv.find((arg) => /^(plan|lock|build|promote|registry)$/.test(arg)) ?? 'cli';
}

function cacheDir(env: NodeJS.ProcessEnv): string | undefined {
  if (env.PINYARD_COMPILE_CACHE === '0') return undefined;
  const dir = join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'pinyard', 'v8');
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return dir;
  } catch {
    // A read-only or missing home: run without the cache.
    return undefined;
  }
}

function readIfThere(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

function save(file: string, script: Script): void {
  try {
    const temp = `${file}.${process.pid}`;
    writeFileSync(temp, script.createCachedData(), { mode: 0o600 });
    renameSync(temp, file);
  } catch {
    // The cache only saves time; a run that cannot write it is still a good run.
  }
}
