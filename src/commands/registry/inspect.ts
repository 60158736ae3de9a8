import type { CommandContext } from '../../cli/io.js';
import { ExitCode, PinyardError } from '../../errors.js';
import { formatReference, repositoryName, withDefaultTag } from '../../reference/index.js';
import { renderInspect } from '../../report/registry/inspect.js';
import type { InspectResult } from '../../report/registry/types.js';
import { terminalText } from '../../text/control-characters.js';
import { environmentTags, treeRepositoryOf } from './environments.js';
import { ImageDescriber, type PlatformImage } from './image-summary.js';
import { pickImage, traceLineage } from './lineage.js';
import { openSession } from './session.js';
import { bare, tagDigests } from './tag-digests.js';

export interface InspectOptions {
  /** Whose config to show for an index: `linux/arm64`; default linux/amd64, else the first. */
  platform?: string;
}

/**
 * `registry inspect REF`: the manifest (an index with its platform manifests), one image config, the
 * lineage build recorded in its labels, the tags of its repository on the same digest, and the
 * environments of images.yml that point at it.
 */
export async function registryInspectCommand(
  ctx: CommandContext,
  refText: string,
  options: InspectOptions,
): Promise<number> {
  const session = await openSession(ctx);
  const { client, manifest } = session;
  const ref = withDefaultTag(session.reference(refText));
  const head = await client.headManifest(ref);
  if (!head) {
    throw new PinyardError('PINYARD_NOT_FOUND', `${formatReference(ref)} not found`, {
      hint: `see which tags there are: pinyard registry tags ${repositoryName(ref)}`,
    });
  }
  const describer = new ImageDescriber(client);
  const summary = await describer.describe(ref, head.digest);
  const image = chooseImage(summary.images, options.platform, formatReference(ref));
  const treeRepository = manifest ? treeRepositoryOf(manifest, ref) : undefined;
  const [lineage, tags, environments] = await Promise.all([
    traceLineage(describer, {
      registry: ref.registry,
      labels: image?.config?.labels ?? {},
      ...(image?.platform ? { platform: image.platform } : {}),
    }),
    tagDigests(client, bare(ref)),
    manifest && treeRepository ? environmentTags(client, manifest, treeRepository) : [],
  ]);

  const result: InspectResult = {
    reference: formatReference(ref),
    digest: summary.digest,
    mediaType: summary.mediaType,
    kind: summary.kind,
    size: summary.size,
    platforms: summary.images.map(({ config: _, ...platform }) => platform),
    ...(image?.config ? { config: { digest: image.digest, ...image.config } } : {}),
    lineage,
    tags: tags
      .filter((t) => t.digest === summary.digest)
      .map((t) => t.tag)
      .sort(),
    environments: environments.flatMap((env) => {
      if (env.problem)
        return [{ environment: env.environment, references: [], problem: env.problem.message }];
      const references = env.tags
        .filter((t) => t.digest === summary.digest)
        .map((t) => `${repositoryName(env.repository)}:${t.tag}`);
      return references.length ? [{ environment: env.environment, references }] : [];
    }),
  };
  ctx.stdout.write(
    ctx.json
      ? `${JSON.stringify({ version: 1, ...result }, null, 2)}\n`
      : terminalText(renderInspect(result)),
  );
  return ExitCode.ok;
}

/** `--platform linux/arm64` also finds `linux/arm64/v8`; a platform the image lacks is an error, not a guess. */
function chooseImage(images: PlatformImage[], platform: string | undefined, what: string) {
  if (platform === undefined) return pickImage(images);
  const found =
    images.find((i) => i.platform === platform) ?? images.find((i) => i.platform?.startsWith(`${platform}/`));
  if (found) return found;
  const known = images.map((i) => i.platform ?? '?').join(', ') || 'none';
  throw new PinyardError('PINYARD_USAGE', `${what} has no ${platform} image (it has: ${known})`, {
    hint: 'name one of its platforms with --platform, or leave it out',
  });
}
