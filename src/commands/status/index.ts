import path from 'node:path';
import type { CommandContext } from '../../cli/io.js';
import { ExitCode, PinyardError } from '../../errors.js';
import { closeMatches } from '../../graph/did-you-mean.js';
import { readLock } from '../../lock/index.js';
import { loadManifest, type ProjectManifest } from '../../manifest/index.js';
import { RegistryClient } from '../../registry/index.js';
import { appendSummary, inGithubActions } from '../../report/github/environment-files.js';
import { renderStatus, type StatusReport, statusJson, statusMarkdown } from '../../report/status/render.js';
import { type FailOn, shouldFail } from '../../status/index.js';
import { readStatus, type StatusTarget } from './read-status.js';

/** Requests to one registry at once. */
const REQUESTS_IN_FLIGHT = 64;

export interface StatusOptions {
  failOn?: FailOn[];
}

/**
 * `pinyard status [IMAGE[:TAG]…]`: for every image and human tag, the digest in `registry:` and in each
 * environment, whether the environment is behind, and whether its lineage ends in an upstream digest
 * images.lock no longer pins. Exit 1 under `--fail-on` when a row shows it (or could not be read).
 */
export async function statusCommand(
  ctx: CommandContext,
  selection: string[],
  options: StatusOptions,
): Promise<number> {
  const { manifest } = await loadManifest(ctx.manifestFile, ctx.cwd);
  if (!manifest.registry) {
    throw new PinyardError('PINYARD_USAGE', 'images.yml has no registry: there is nothing built to compare', {
      hint: 'set registry: (host[:port][/namespace]) to where build --push pushes',
    });
  }
  const lockPath = path.join(manifest.dir, 'images.lock');
  const lock = await readLock(lockPath, path.relative(ctx.cwd, lockPath) || 'images.lock');
  const { targets, untagged } = selectTargets(manifest, selection);
  const client = new RegistryClient({
    insecureRegistries: manifest.insecureRegistries,
    env: ctx.env,
    // Small, latency-bound requests (HEADs, manifests, configs of a few KB), as lock's: a tree of dozens of
    // images and environments goes out in a few waves instead of a dozen.
    concurrencyPerHost: REQUESTS_IN_FLIGHT,
  });
  const report: StatusReport = {
    environments: manifest.environments.map((e) => e.name),
    rows: await readStatus(client, manifest, lock, targets),
    untagged,
  };
  ctx.stdout.write(ctx.json ? statusJson(report) : renderStatus(report));
  if (inGithubActions(ctx.env)) appendSummary(ctx.env, statusMarkdown(report));
  return shouldFail(report.rows, options.failOn ?? []) ? ExitCode.failed : ExitCode.ok;
}

/** `app` is each of app's human tags; `app:1.5` that tag alone, whether images.yml lists it or not. */
function selectTargets(
  manifest: ProjectManifest,
  selection: string[],
): { targets: StatusTarget[]; untagged: string[] } {
  const known = new Map(manifest.images.map((i) => [i.name, i.tags]));
  const wanted: Array<{ name: string; tag?: string }> = selection.length
    ? selection.map((text) => {
        const colon = text.lastIndexOf(':');
        return colon > text.lastIndexOf('/')
          ? { name: text.slice(0, colon), tag: text.slice(colon + 1) }
          : { name: text };
      })
    : manifest.images.map((i) => ({ name: i.name }));
  const unknown = wanted.filter((w) => !known.has(w.name));
  if (unknown.length > 0) {
    const described = unknown.map(({ name }) => {
      const [suggestion] = closeMatches(name, known.keys());
      return suggestion ? `"${name}" (did you mean "${suggestion}"?)` : `"${name}"`;
    });
    throw new PinyardError('PINYARD_UNKNOWN_IMAGE', `unknown image ${described.join(', ')}`, {
      hint: 'name images of images.yml, as app or app:1.4',
    });
  }
  const targets = wanted.flatMap(({ name, tag }) =>
    (tag !== undefined ? [tag] : known.get(name)!).map((t) => ({ name, tag: t })),
  );
  const untagged = wanted
    .filter((w) => w.tag === undefined && known.get(w.name)!.length === 0)
    .map((w) => w.name);
  return { targets, untagged };
}
