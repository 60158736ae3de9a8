import type { CommandContext } from '../../cli/io.js';
import { ExitCode, PinyardError } from '../../errors.js';
import { repositoryName } from '../../reference/index.js';
import { isIndexMediaType } from '../../registry/index.js';
import { renderTags } from '../../report/registry/tags.js';
import type { TagRow, TagsResult } from '../../report/registry/types.js';
import { createdTime } from '../../retention/index.js';
import { terminalText } from '../../text/control-characters.js';
import { ImageDescriber } from './image-summary.js';
import { openSession } from './session.js';
import { tagDigests } from './tag-digests.js';

/**
 * `registry tags REPO`: every tag with its digest, kind, platforms, created time and size, newest first.
 * Each digest is read once however many tags share it; one that cannot be read is shown with why,
 * rather than hiding the other tags.
 */
export async function registryTagsCommand(ctx: CommandContext, repoText: string): Promise<number> {
  const { client, repository } = await openSession(ctx);
  const repo = repository(repoText);
  const describer = new ImageDescriber(client);
  const rows = await Promise.all(
    (await tagDigests(client, repo)).map(async (t): Promise<TagRow> => {
      const row = { tag: t.tag, digest: t.digest, mediaType: t.mediaType };
      try {
        const s = await describer.describe(repo, t.digest);
        return {
          ...row,
          kind: s.kind,
          platforms: s.images.map((i) => i.platform ?? '?'),
          ...(s.created ? { created: s.created } : {}),
          size: s.size,
        };
      } catch (e) {
        // A manifest of a foreign type, a malformed config, a tag deleted meanwhile: that row says so.
        // Anything else (denied, unreachable) would fail every row alike, so it fails the command.
        if (!(e instanceof PinyardError) || (e.code !== 'PINYARD_REGISTRY' && e.code !== 'PINYARD_NOT_FOUND'))
          throw e;
        const kind = isIndexMediaType(t.mediaType) ? 'index' : 'image';
        return { ...row, kind, platforms: [], problem: e.message };
      }
    }),
  );
  const result: TagsResult = { repository: repositoryName(repo), tags: rows.sort(newestFirst) };
  ctx.stdout.write(
    ctx.json ? `${JSON.stringify({ version: 1, ...result }, null, 2)}\n` : terminalText(renderTags(result)),
  );
  return ExitCode.ok;
}

/** Newest first; tags without a known time last, then by name, so the table is the same on every run. */
function newestFirst(a: TagRow, b: TagRow): number {
  const ta = createdTime(a.created);
  const tb = createdTime(b.created);
  if (ta !== tb) return tb - ta;
  return a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0;
}
