import { readFileSync } from 'node:fs';
import path from 'node:path';
import { secrets as redactor } from '../../credentials/redact.js';
import { PinyardError } from '../../errors.js';
import type { ImageConfig } from '../../manifest/index.js';

/**
 * The build secrets of the images about to be built, read from their sources (environment variables,
 * files) before anything is built: a missing source is bad input, reported for every image at once. Each
 * value is registered with the redactor at once (and so masked in GitHub Actions before it can be printed).
 */
export function readBuildSecrets(
  images: readonly ImageConfig[],
  env: NodeJS.ProcessEnv,
  manifestDir: string,
): Map<string, Map<string, Buffer>> {
  const byImage = new Map<string, Map<string, Buffer>>();
  const problems: string[] = [];
  for (const image of images) {
    const values = new Map<string, Buffer>();
    for (const [id, source] of Object.entries(image.secrets ?? {})) {
      if ('env' in source) {
        const value = env[source.env];
        if (value === undefined)
          problems.push(`${image.name}: secret "${id}" reads $${source.env}, which is not set`);
        else values.set(id, Buffer.from(value));
      } else {
        try {
          values.set(id, readFileSync(source.file));
        } catch (e) {
          const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'cannot be read';
          problems.push(
            `${image.name}: secret "${id}" reads ${path.relative(manifestDir, source.file) || source.file}, which ${why}`,
          );
        }
      }
    }
    for (const value of values.values()) redactor.add(value.toString('utf8'));
    if (values.size > 0) byImage.set(image.name, values);
  }
  if (problems.length > 0) {
    throw new PinyardError(
      'PINYARD_SECRET_MISSING',
      problems.length === 1 ? problems[0]! : `build secrets are missing:\n  ${problems.join('\n  ')}`,
      {
        hint: 'set the variable or create the file (secrets: in images.yml names each source), then build again',
      },
    );
  }
  return byImage;
}

const secretLike = /TOKEN|PASSWORD|PASSWD|SECRET|KEY/i;

/**
 * Build args whose names read like credentials: a build arg is kept in the image's history and config, so
 * a token passed that way ships with the image. Only the names are looked at, never the values.
 */
export function secretLikeArgWarnings(images: readonly ImageConfig[]): string[] {
  return images.flatMap((image) =>
    Object.keys(image.args)
      .filter((arg) => secretLike.test(arg))
      .map(
        (arg) =>
          `warning: images.${image.name}.args.${arg} looks like a secret; build args stay in the image's history. ` +
          `Serve it with \`secrets:\` in images.yml and \`RUN --mount=type=secret,id=…\` instead.`,
      ),
  );
}
