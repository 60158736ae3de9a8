import type { CommandContext } from '../../cli/io.js';
import { ExitCode, PinyardError, whenNotFound } from '../../errors.js';
import { collect, type RegistryClient } from '../../registry/index.js';
import { renderLs } from '../../report/registry/ls.js';
import type { LsResult } from '../../report/registry/types.js';
import { terminalText } from '../../text/control-characters.js';
import { underPrefix } from './qualify.js';
import { openSession } from './session.js';

/**
 * `registry ls [PREFIX]`: the repositories of a registry (its catalog, page by page), those under PREFIX,
 * optionally with their tags. A registry grants its catalog only to whom it chooses (`registry:catalog:*`
 * behind token auth), so a refusal says how to do without it.
 */
export async function registryLsCommand(
  ctx: CommandContext,
  prefixText: string | undefined,
  options: { tags?: boolean },
): Promise<number> {
  const session = await openSession(ctx);
  const { client } = session;
  const { registry, prefix } = session.prefix(prefixText);
  let names: string[];
  try {
    names = await collect(client.catalog(registry));
  } catch (e) {
    if (!(e instanceof PinyardError) || e.code !== 'PINYARD_DENIED') throw e;
    throw new PinyardError('PINYARD_DENIED', e.message, {
      hint: 'listing repositories needs the registry:catalog:* scope, which token services usually grant to admins only; ask for it, or look at one repository: pinyard registry tags REPO',
    });
  }
  const repositories = [...new Set(names)].filter((n) => underPrefix(n, prefix)).sort();
  const result: LsResult = {
    registry,
    prefix,
    repositories: options.tags
      ? await Promise.all(
          repositories.map(async (name) => ({ name, tags: await tagsOf(client, registry, name) })),
        )
      : repositories.map((name) => ({ name })),
  };
  ctx.stdout.write(
    ctx.json ? `${JSON.stringify({ version: 1, ...result }, null, 2)}\n` : terminalText(renderLs(result)),
  );
  return ExitCode.ok;
}

/** A repository the catalog still lists after its last tag was deleted answers "unknown": no tags. */
async function tagsOf(client: RegistryClient, registry: string, repository: string): Promise<string[]> {
  return (await collect(client.listTags({ registry, repository })).catch(whenNotFound([]))).sort();
}
