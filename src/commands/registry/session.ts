import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CommandContext } from '../../cli/io.js';
import { PinyardError } from '../../errors.js';
import { loadManifest, type ProjectManifest } from '../../manifest/index.js';
import { parseReference, type Reference, repositoryName } from '../../reference/index.js';
import { RegistryClient } from '../../registry/index.js';
import { qualify, qualifyPrefix, type RepositoryPrefix } from './qualify.js';

/** What every `registry` subcommand starts from: a client, and images.yml when there is one. */
export interface RegistrySession {
  client: RegistryClient;
  /** images.yml, when it exists: the base of relative references, its environments, its images. */
  manifest?: ProjectManifest;
  /** A reference as typed: full, or relative to images.yml's registry. */
  reference(text: string): Reference;
  /** A repository as typed, with neither tag nor digest. */
  repository(text: string): Reference;
  prefix(text: string | undefined): RepositoryPrefix;
}

/**
 * Browsing needs no images.yml when every reference is full, so a missing one is no error here; one that
 * exists but is invalid still is. `required` (prune) makes a missing one an error too.
 */
export async function openSession(
  ctx: CommandContext,
  options: { required?: boolean } = {},
): Promise<RegistrySession> {
  const present = options.required || existsSync(path.resolve(ctx.cwd, ctx.manifestFile));
  const manifest = present ? (await loadManifest(ctx.manifestFile, ctx.cwd)).manifest : undefined;
  const client = new RegistryClient({
    insecureRegistries: manifest?.insecureRegistries ?? [],
    env: ctx.env,
  });
  const base = manifest?.registry;
  return {
    client,
    ...(manifest ? { manifest } : {}),
    reference: (text) => parseReference(qualify(text, base)),
    repository(text) {
      const ref = parseReference(qualify(text, base));
      if (ref.tag !== undefined || ref.digest !== undefined) {
        throw new PinyardError('PINYARD_USAGE', `"${text}" is an image, not a repository`, {
          hint: `name the repository alone: ${repositoryName(ref)}`,
        });
      }
      return ref;
    },
    prefix: (text) => qualifyPrefix(text, base),
  };
}
