import { z } from 'zod';
import { PLATFORM_PATTERN } from '../reference/platform.js';
import { describeValue } from './schema-messages.js';

/**
 * images.yml v1, the one boundary schema of the manifest. The JSON Schema in schema/images.schema.json is
 * generated from it (`npm run schema`), so editors complete exactly what this accepts.
 *
 * Scalars that YAML would silently turn into numbers (`tags: [3.20]` is the number 3.2) must be strings:
 * we refuse the number and say "quote it" rather than build a wrong tag.
 */

const quotedString = (what: string) =>
  z.string({
    error: (issue) => {
      // Only the type is this schema's to say; length and pattern checks carry their own messages.
      if (issue.code !== 'invalid_type') return undefined;
      if (issue.input === undefined) return `${what} is required`;
      if (typeof issue.input === 'number' || typeof issue.input === 'boolean') {
        return `${what} must be a string; YAML read ${JSON.stringify(issue.input)} as a ${typeof issue.input}, so write it in quotes`;
      }
      return `${what} must be a string, not ${describeValue(issue.input)}`;
    },
  });

const nonEmpty = (what: string) => quotedString(what).min(1, `${what} must not be empty`);

/** A repository path of one or more components, lower case (the distribution reference grammar). */
const imageNamePattern =
  /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

export const ImageName = z
  .string()
  .regex(
    imageNamePattern,
    'image names are lower-case repository paths: letters, digits, ".", "_", "-" and "/"',
  );

const Platform = quotedString('platform').regex(
  PLATFORM_PATTERN,
  'platform is os/arch[/variant], e.g. linux/amd64',
);

const Platforms = z
  .array(Platform)
  .min(1, 'platforms needs at least one os/arch')
  .refine((list) => new Set(list).size === list.length, 'a platform is listed twice');

/** Where a build secret's value comes from: an environment variable or a file (relative to images.yml). */
export const SecretSource = z
  .union([
    z.strictObject({ env: quotedString('env').min(1).describe('Environment variable holding the value.') }),
    z.strictObject({
      file: quotedString('file').min(1).describe('File holding the value, relative to images.yml.'),
    }),
  ])
  .describe('A build secret: { env: NAME } or { file: path }.');

/** Secret ids as `RUN --mount=type=secret,id=…` names them. */
export const Secrets = z
  .record(
    z.string().regex(/^[A-Za-z0-9_.-]+$/, 'a secret id is letters, digits, "_", "." and "-"'),
    SecretSource,
  )
  .describe(
    'Build secrets by id, served to RUN --mount=type=secret,id=… (BuildKit only); never stored in the image.',
  );

export const ImageSpec = z
  .strictObject({
    context: nonEmpty('context').describe('Build context directory, relative to images.yml.'),
    dockerfile: nonEmpty('dockerfile')
      .optional()
      .describe('Dockerfile path relative to the context (default: Dockerfile).'),
    args: z
      .record(z.string(), quotedString('a build arg value'))
      .optional()
      .describe('Build args; they also fill ARGs used in FROM lines.'),
    tags: z
      .array(quotedString('a tag'))
      .optional()
      .describe('Human tags, moved only when a whole run succeeds.'),
    repository: nonEmpty('repository')
      .regex(
        imageNamePattern,
        'repository is a lower-case repository path: letters, digits, ".", "_", "-" and "/"',
      )
      .optional()
      .describe(
        "Repository under the registry (default: the image's name). Several images may share one, each with its own tags.",
      ),
    target: nonEmpty('target').optional().describe('Stage to build (docker build --target).'),
    platform: Platform.optional().describe('Build for this one platform, pushed as a single manifest.'),
    platforms: Platforms.optional().describe(
      'Build for each of these platforms and push one image index (replaces the top-level platforms).',
    ),
    rebuild: z
      .enum(['daily'])
      .optional()
      .describe('Rebuild once a day even when inputs are unchanged (images that upgrade packages in a RUN).'),
    secrets: Secrets.optional().describe('Build secrets of this image; they win over the top-level ones.'),
  })
  .describe('One image of the tree.');

export const Environment = z
  .strictObject({
    registry: quotedString('registry')
      .optional()
      .describe('Registry location host[:port][/namespace]; default: the top-level registry.'),
    repository: quotedString('repository')
      .optional()
      .describe('Repository template under the registry, e.g. "staging/{name}"; default "{name}".'),
    requires: quotedString('requires')
      .optional()
      .describe('An environment the same digest must already be promoted to.'),
  })
  .describe('A promotion target.');

export const Manifest = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(1, { error: 'must be 1 (the only manifest version this pinyard reads)' }),
  registry: quotedString('registry')
    .optional()
    .describe('Push target host[:port][/namespace]; without it images stay in the local engine.'),
  mirrors: z
    .record(z.string(), z.array(quotedString('a mirror')))
    .optional()
    .describe('Mirrors used to resolve and pull upstream refs, by upstream registry (docker.io).'),
  insecureRegistries: z
    .array(quotedString('an insecure registry'))
    .optional()
    .describe('Registries that may be reached over plain HTTP (loopback always may).'),
  environments: z.record(z.string(), Environment).optional(),
  engines: z
    .array(
      z.union(
        [
          quotedString('an engine'),
          z
            .strictObject({
              host: quotedString('host').describe('The engine, as a DOCKER_HOST URL.'),
              platforms: Platforms.describe('Platforms it builds natively (default: its own, asked of it).'),
            })
            .describe('An engine and the platforms it builds natively.'),
        ],
        {
          error: (issue) =>
            typeof issue.input === 'object' && issue.input !== null
              ? 'an engine is a DOCKER_HOST URL, or { host: URL, platforms: [os/arch, …] }'
              : `an engine must be a string; YAML read ${JSON.stringify(issue.input)} as a ${typeof issue.input}, so write it in quotes`,
        },
      ),
    )
    .optional()
    .describe(
      'Docker engines to build on at once, as DOCKER_HOST URLs (unix://, tcp://, ssh://); `build --engine` overrides them.',
    ),
  platforms: Platforms.optional().describe(
    'Platforms every image is built for (one image index each), e.g. [linux/amd64, linux/arm64].',
  ),
  builder: z
    .enum(['buildkit', 'classic'])
    .optional()
    .describe('buildkit (the default where the engine has it) or classic; `build --builder` overrides it.'),
  secrets: Secrets.optional().describe("Build secrets every image may use; an image's own win."),
  allowContextsOutside: z
    .boolean()
    .optional()
    .describe(
      'Allow build contexts and Dockerfiles outside the directory of images.yml (default false: refused).',
    ),
  images: z.record(z.string(), ImageSpec).describe('The images of the tree, by name.'),
});

export type Manifest = z.infer<typeof Manifest>;
export type ImageSpec = z.infer<typeof ImageSpec>;
export type Environment = z.infer<typeof Environment>;
export type SecretSource = z.infer<typeof SecretSource>;
