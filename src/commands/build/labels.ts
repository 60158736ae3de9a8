import type { ParsedDockerfile } from '../../dockerfile/index.js';
import { INPUT_HASH_LABEL } from '../../hash/index.js';
import type { ImageConfig } from '../../manifest/index.js';
import { byPlatform, parseReference } from '../../reference/index.js';
import { finalBaseText } from './final-base.js';
import type { ImageTaskContext } from './image-task.js';

export interface LabelInputs {
  /** The immediate parent: a manifest image or an upstream ref, as pinned. */
  base?: { name: string; digest: string };
  created: Date;
  revision?: string;
  source?: string;
  /** The first human tag, when it reads like a version. */
  version?: string;
  inputHash: string;
}

/** OCI annotation keys (opencontainers image-spec annotations.md), set as image labels. */
export function ociLabels(inputs: LabelInputs): Record<string, string> {
  const labels: Record<string, string> = {
    'org.opencontainers.image.created': inputs.created.toISOString(),
    [INPUT_HASH_LABEL]: inputs.inputHash,
  };
  if (inputs.base) {
    labels['org.opencontainers.image.base.name'] = inputs.base.name;
    labels['org.opencontainers.image.base.digest'] = inputs.base.digest;
  }
  if (inputs.revision) labels['org.opencontainers.image.revision'] = inputs.revision;
  if (inputs.source) labels['org.opencontainers.image.source'] = inputs.source;
  if (inputs.version) labels['org.opencontainers.image.version'] = inputs.version;
  return labels;
}

/** `1.4`, `3.20`, `v2.8.1`, `16`: a tag that names a version rather than a channel (`latest`, `edge`). */
export function versionOf(tags: string[]): string | undefined {
  return tags.find((t) => /^v?\d+(?:\.\d+)*(?:[-+][\w.]+)?$/.test(t));
}

/**
 * The OCI labels of one build. `base.digest` is what its FROM used: for a platform build of a
 * multi-platform image, the parent's manifest for that platform, not its index.
 */
export async function imageLabels(
  image: ImageConfig,
  parsed: ParsedDockerfile,
  hash: string,
  ctx: ImageTaskContext,
  platform?: string,
): Promise<Record<string, string>> {
  const base = baseOf(image, parsed, ctx, platform);
  const version = versionOf(image.tags);
  return ociLabels({
    ...(base ? { base } : {}),
    created: ctx.now(),
    ...(await ctx.source()),
    ...(version ? { version } : {}),
    inputHash: hash,
  });
}

function baseOf(
  image: ImageConfig,
  parsed: ParsedDockerfile,
  ctx: ImageTaskContext,
  platform: string | undefined,
): { name: string; digest: string } | undefined {
  const text = finalBaseText(parsed, image.target);
  if (text === undefined) return undefined;
  const target = ctx.classify(text);
  if (target.kind === 'image') {
    const parent = ctx.built.get(target.name);
    if (!parent) return undefined;
    const digest = (platform && byPlatform(parent.platforms, platform)) || parent.digest;
    return { name: `${parent.repository}:${parent.contentTag}`, digest };
  }
  if (target.kind === 'invalid') return undefined;
  const locked = ctx.lock.upstream[target.ref];
  const digest =
    parseReference(target.ref).digest ??
    ((platform && byPlatform(locked?.platforms, platform)) || locked?.digest);
  return digest ? { name: target.ref.replace(/@.*$/, ''), digest } : undefined;
}
