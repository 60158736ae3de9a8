import type { CommandContext } from '../../cli/io.js';
import { ExitCode, isPinyardError, PinyardError } from '../../errors.js';
import { loadManifest } from '../../manifest/index.js';
import {
  type AccessCheck,
  accessError,
  combineErrors,
  manifestsOf,
  type PromotionRequest,
  promotionRequests,
  targetRefs,
} from '../../promote/index.js';
import { formatReference } from '../../reference/index.js';
import { RegistryClient } from '../../registry/index.js';
import { githubPromoteOutputs } from '../../report/github/promote-outputs.js';
import {
  type ImageResult,
  type ImageStatus,
  type PromoteReport,
  renderReport,
} from '../../report/promote/report.js';
import { terminalText } from '../../text/control-characters.js';
import { askAccess } from './access.js';
import { copyContent, pointTargets } from './copy.js';
import { type Inspection, inspect } from './inspect.js';

export interface PromoteOptions {
  to: string;
  /** Tags for the target instead of the source's. */
  tag?: string[];
  force?: boolean;
  dryRun?: boolean;
}

/**
 * `pinyard promote NAME:TAG… --to ENV`: the exact manifests of already built images, copied into the
 * environment's repositories and tagged there, never rebuilt. In phases, so that a refusal writes nothing
 * and several images move together: one token per registry and its grant checked; every source, target
 * and required tag read and the guards decided; the content copied (invisible until tagged); then every
 * tag set and read back.
 */
export async function promoteCommand(
  ctx: CommandContext,
  images: string[],
  options: PromoteOptions,
): Promise<number> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const { manifest } = await loadManifest(ctx.manifestFile, ctx.cwd);
  const requests = promotionRequests(manifest, {
    images,
    to: options.to,
    ...(options.tag ? { tags: options.tag } : {}),
  });
  const registry = new RegistryClient({ insecureRegistries: manifest.insecureRegistries, env: ctx.env });
  const results = requests.map(initialResult);
  const dryRun = Boolean(options.dryRun);
  const set = (i: number, status: ImageStatus, fields: Partial<ImageResult> = {}) => {
    results[i] = { ...results[i]!, ...fields, status, durationMs: elapsed() };
  };
  const finish = (access: AccessCheck[], error?: PinyardError): number => {
    const report: PromoteReport = {
      version: 1,
      environment: options.to,
      dryRun,
      status: error ? 'failed' : 'succeeded',
      images: results,
      access,
      durationMs: elapsed(),
      ...(error ? { error: error.toJSON() } : {}),
    };
    githubPromoteOutputs(ctx.env, report);
    if (ctx.json) {
      ctx.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return error ? error.exitCode : ExitCode.ok;
    }
    const shown = results.filter((r) => dryRun || r.status === 'promoted' || r.status === 'unchanged');
    if (shown.length || (dryRun && access.length))
      ctx.stdout.write(terminalText(renderReport({ ...report, images: shown })));
    if (error) throw error;
    return ExitCode.ok;
  };

  const access = await askAccess(registry, requests);
  const denied = accessError(access);
  if (denied) {
    for (const i of requests.keys()) set(i, 'refused');
    return finish(access, denied);
  }

  const inspected = await settle(
    requests.map((request) => inspect(registry, request, { force: Boolean(options.force), dryRun })),
  );
  const refusals: PinyardError[] = [];
  const ready: Array<{ i: number; inspection: Inspection }> = [];
  for (const [i, outcome] of inspected.entries()) {
    if (!outcome.ok) {
      refusals.push(outcome.error);
      set(i, 'refused', { error: outcome.error.toJSON() });
      continue;
    }
    const inspection = outcome.value;
    const { decision } = inspection;
    if (decision.kind === 'refused') {
      refusals.push(decision.error);
      set(i, 'refused', { digest: inspection.root.digest, error: decision.error.toJSON() });
      continue;
    }
    set(i, decision.kind === 'unchanged' ? 'unchanged' : 'not-promoted', transferOf(inspection));
    if (decision.kind === 'promote') ready.push({ i, inspection });
  }
  if (refusals.length) {
    return finish(
      access,
      summarize(refusals, requests, `cannot be promoted to ${options.to}`, 'nothing was promoted'),
    );
  }
  if (dryRun) {
    for (const { i } of ready) set(i, 'planned');
    return finish(access);
  }

  const copies = await settle(ready.map(({ inspection }) => copyContent(registry, inspection)));
  const copyFailures: PinyardError[] = [];
  copies.forEach((outcome, k) => {
    const { i } = ready[k]!;
    if (outcome.ok) {
      const { blobs, bytes, manifests } = outcome.value;
      set(i, 'not-promoted', { blobs, bytes, manifests });
    } else {
      copyFailures.push(outcome.error);
      set(i, 'failed', { error: outcome.error.toJSON() });
    }
  });
  if (copyFailures.length) {
    return finish(
      access,
      summarize(copyFailures, requests, 'failed to copy', 'no tag was moved, nothing was promoted'),
    );
  }

  const pointed = await settle(ready.map(({ inspection }) => pointTargets(registry, inspection)));
  const tagFailures: PinyardError[] = [];
  pointed.forEach((outcome, k) => {
    const { i } = ready[k]!;
    if (outcome.ok) {
      set(i, 'promoted', { manifests: results[i]!.manifests + outcome.value.length });
    } else {
      tagFailures.push(outcome.error);
      set(i, 'failed', { error: outcome.error.toJSON() });
    }
  });
  if (tagFailures.length) {
    const promoted = results.filter((r) => r.status === 'promoted').map((r) => r.name);
    const outcome = promoted.length ? `promoted: ${promoted.join(', ')}` : 'nothing was promoted';
    return finish(access, summarize(tagFailures, requests, 'failed to tag', outcome));
  }
  return finish(access);
}

function initialResult(request: PromotionRequest): ImageResult {
  return {
    name: request.name,
    source: formatReference(request.source),
    digest: undefined,
    targets: targetRefs(request).map(formatReference),
    status: 'not-promoted',
    strategy: request.strategy,
    blobs: { mounted: 0, copied: 0, skipped: 0 },
    bytes: 0,
    manifests: 0,
    durationMs: 0,
  };
}

/** What an inspected promotion would move, for the report before (or instead of) moving it. */
function transferOf(inspection: Inspection): Partial<ImageResult> {
  const { request, root, tree, blobs, present, decision } = inspection;
  const toSend = blobs.filter((b) => !present.has(b.digest));
  const mount = request.strategy === 'mount';
  return {
    digest: root.digest,
    blobs: { mounted: mount ? toSend.length : 0, copied: mount ? 0 : toSend.length, skipped: present.size },
    bytes: mount ? 0 : toSend.reduce((sum, b) => sum + b.size, 0),
    manifests:
      (tree ? manifestsOf(tree).length - 1 : 0) + (decision.kind === 'promote' ? decision.write.length : 0),
  };
}

/**
 * One error for the images that failed at one phase, with what that means for the whole command: a lone
 * image's own error keeps its message, several are summed up with theirs as details.
 */
function summarize(
  errors: PinyardError[],
  requests: PromotionRequest[],
  what: string,
  outcome: string,
): PinyardError {
  const [only] = errors;
  if (requests.length === 1 && only) {
    // A refusal says it all; a failure midway also has to say what it left behind.
    if (only.code === 'PINYARD_TAG_CONFLICT' || only.code === 'PINYARD_REQUIRES_UNMET') return only;
    return new PinyardError(only.code, `${only.message}; ${outcome}`, {
      ...(only.hint ? { hint: only.hint } : {}),
      details: only.details,
    });
  }
  return combineErrors(errors, `${errors.length} of ${requests.length} images ${what}; ${outcome}`);
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: PinyardError };

/** Like Promise.allSettled, for expected failures only: anything else is a bug and is thrown. */
async function settle<T>(promises: Array<Promise<T>>): Promise<Array<Settled<T>>> {
  const outcomes = await Promise.allSettled(promises);
  return outcomes.map((outcome) => {
    if (outcome.status === 'fulfilled') return { ok: true, value: outcome.value };
    if (isPinyardError(outcome.reason)) return { ok: false, error: outcome.reason };
    throw outcome.reason;
  });
}
