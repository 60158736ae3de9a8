import path from 'node:path';
import type { CommandContext } from '../cli/io.js';
import { ExitCode } from '../errors.js';
import { formatLock } from '../lock/format.js';
import {
  diffLocks,
  holdLockFile,
  imagesAffectedBy,
  type LockChange,
  type LockMode,
  readLock,
  relock,
  writeLock,
} from '../lock/index.js';
import { REFS_IN_FLIGHT } from '../lock/resolve.js';
import { RegistryClient } from '../registry/index.js';
import { renderLockChanges } from '../report/lock-changes.js';
import { loadCommandProject } from './command-project.js';

export interface LockOptions {
  check?: boolean;
  /** true: every ref; a list: the upstreams of those images. */
  update?: boolean | string[];
}

/**
 * `pinyard lock`: pins every upstream ref of the tree in images.lock (beside images.yml). Nothing is
 * written unless every ref resolved; `--check` writes nothing and fails when the lock is stale.
 */
export async function lockCommand(ctx: CommandContext, options: LockOptions): Promise<number> {
  const project = await loadCommandProject(ctx);
  const { manifest } = project;
  const lockPath = path.join(manifest.dir, 'images.lock');
  const lockDisplay = path.relative(ctx.cwd, lockPath) || 'images.lock';
  // Held from reading the lock to writing it: a second run waits for nothing and overwrites nothing.
  const release = options.check ? undefined : await holdLockFile(lockPath, lockDisplay);
  try {
    return await lockUnderHold(ctx, options, project, lockPath, lockDisplay);
  } finally {
    await release?.();
  }
}

async function lockUnderHold(
  ctx: CommandContext,
  options: LockOptions,
  { manifest, graph }: Awaited<ReturnType<typeof loadCommandProject>>,
  lockPath: string,
  lockDisplay: string,
): Promise<number> {
  const old = await readLock(lockPath, lockDisplay);

  const mode: LockMode =
    options.check || options.update === true
      ? { kind: 'all' }
      : Array.isArray(options.update) && options.update.length
        ? { kind: 'images', names: options.update }
        : { kind: 'missing' };
  const resolver = new RegistryClient({
    insecureRegistries: manifest.insecureRegistries,
    env: ctx.env,
    // A ref's requests are small and latency-bound: let every ref in flight have its request out at once.
    concurrencyPerHost: REFS_IN_FLIGHT,
  });
  const next = await relock(graph, old, mode, { resolver, mirrors: manifest.mirrors });
  const changes = diffLocks(old, next);
  const rebuild = imagesAffectedBy(
    graph,
    changes.filter((c) => c.kind !== 'removed').map((c) => c.ref),
  );
  const stale = changes.length > 0;

  if (!options.check && (!old || formatLock(old) !== formatLock(next))) await writeLock(lockPath, next);
  report(ctx, {
    lock: lockDisplay,
    check: Boolean(options.check),
    changes,
    rebuild,
    refs: Object.keys(next.upstream).length,
  });
  return options.check && stale ? ExitCode.failed : ExitCode.ok;
}

function report(
  ctx: CommandContext,
  outcome: { lock: string; check: boolean; changes: LockChange[]; rebuild: string[]; refs: number },
): void {
  if (ctx.json) {
    const { lock, check, changes, rebuild } = outcome;
    const status = changes.length === 0 ? 'current' : check ? 'stale' : 'updated';
    ctx.stdout.write(`${JSON.stringify({ version: 1, lock, status, changes, rebuild }, null, 2)}\n`);
    return;
  }
  ctx.stdout.write(renderLockChanges(outcome));
}
