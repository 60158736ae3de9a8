import { PLATFORM_PATTERN } from '../reference/platform.js';
import * as z from '../zod.js';
import { describeValue } from './schema-messages.js';

/**
 * images.yml v1, the one boundary schema of the manifest. The JSON Schema in schema/images.schema.json is
 * generated from it (`npm run schema`), so editors complete exactly what this accepts.
 *
 * Scalars that YAML would silently turn into numbers (`tags: [3.20]` is the number 3.2) must be strings:
 * we refuse the number and say "quote it" rather than build a wrong tag.
 *
 * Written with zod's mini API (functions instead of methods, the same checks and messages): every command
 * builds this schema at start, and the classic API's schemas cost several times more to build and to load.
 */

/** A copy of `schema` with a description (for the JSON Schema), as the classic API's `.describe()` makes. */
function described<T extends z.ZodMiniType>(schema: T, description: string): T {
  const copy = schema.clone() as T;
  z.globalRegistry.add(copy, { description });
  return copy;
}

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

const nonEmpty = (what: string) => quotedString(what).check(z.minLength(1, `${what} must not be empty`));

/** A repository path of one or more components, lower case (the distribution reference grammar). */
const imageNamePattern =
  /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

export const ImageName = z
  .string()
  .check(
    z.regex(
      imageNamePattern,
      'image names are lower-case repository paths: letters, digits, ".", "_", "-" and "/"',
    ),
  );

const Platform = quotedString('platform').check(
  z.regex(PLATFORM_PATTERN, 'platform is os/arch[/variant], e.g. linux/amd64'),
);

const Platforms = z.array(Platform).check(
  z.minLength(1, 'platforms needs at least one os/arch'),
  z.refine((list) => new Set(list).size === list.length, 'a platform is listed twice'),
);

/** Where a build secret's value comes from: an environment variable or a file (relative to images.yml). */
export const SecretSource = described(
  z.union([
    z.strictObject({
      env: described(quotedString('env').check(z.minLength(1)), 'Environment variable holding the value.'),
    }),
    z.strictObject({
      file: described(
        quotedString('file').check(z.minLength(1)),
        'File holding the value, relative to images.yml.',
      ),
    }),
  ]),
  'A build secret: { env: NAME } or { file: path }.',
);

/** Secret ids as `RUN --mount=type=secret,id=…` names them. */
export const Secrets = described(
  z.record(
    z.string().check(z.regex(/^[A-Za-z0-9_.-]+$/, 'a secret id is letters, digits, "_", "." and "-"')),
    SecretSource,
  ),
  'Build secrets by id, served to RUN --mount=type=secret,id=… (BuildKit only); never stored in the image.',
);

export const ImageSpec = described(
  z.strictObject({
    context: described(nonEmpty('context'), 'Build context directory, relative to images.yml.'),
    dockerfile: described(
      z.optional(nonEmpty('dockerfile')),
      'Dockerfile path relative to the context (default: Dockerfile).',
    ),
    args: described(
      z.optional(z.record(z.string(), quotedString('a build arg value'))),
      'Build args; they also fill ARGs used in FROM lines.',
    ),
    tags: described(
      z.optional(z.array(quotedString('a tag'))),
      'Human tags, moved only when a whole run succeeds.',
    ),
    repository: described(
      z.optional(
        nonEmpty('repository').check(
          z.regex(
            imageNamePattern,
            'repository is a lower-case repository path: letters, digits, ".", "_", "-" and "/"',
          ),
        ),
      ),
      "Repository under the registry (default: the image's name). Several images may share one, each with its own tags.",
    ),
    target: described(z.optional(nonEmpty('target')), 'Stage to build (docker build --target).'),
    platform: described(z.optional(Platform), 'Build for this one platform, pushed as a single manifest.'),
    platforms: described(
      z.optional(Platforms),
      'Build for each of these platforms and push one image index (replaces the top-level platforms).',
    ),
    rebuild: described(
      z.optional(z.enum(['daily'])),
      'Rebuild once a day even when inputs are unchanged (images that upgrade packages in a RUN).',
    ),
    secrets: described(z.optional(Secrets), 'Build secrets of this image; they win over the top-level ones.'),
  }),
  'One image of the tree.',
);

export const Environment = described(
  z.strictObject({
    registry: described(
      z.optional(quotedString('registry')),
      'Registry location host[:port][/namespace]; default: the top-level registry.',
    ),
    repository: described(
      z.optional(quotedString('repository')),
      'Repository template under the registry, e.g. "staging/{name}"; default "{name}".',
    ),
    requires: described(
      z.optional(quotedString('requires')),
      'An environment the same digest must already be promoted to.',
    ),
  }),
  'A promotion target.',
);

export const Manifest = z.strictObject({
  $schema: z.optional(z.string()),
  version: z.literal(1, { error: 'must be 1 (the only manifest version this pinyard reads)' }),
  registry: described(
    z.optional(quotedString('registry')),
    'Push target host[:port][/namespace]; without it images stay in the local engine.',
  ),
  mirrors: described(
    z.optional(z.record(z.string(), z.array(quotedString('a mirror')))),
    'Mirrors used to resolve and pull upstream refs, by upstream registry (docker.io).',
  ),
  insecureRegistries: described(
    z.optional(z.array(quotedString('an insecure registry'))),
    'Registries that may be reached over plain HTTP (loopback always may).',
  ),
  environments: z.optional(z.record(z.string(), Environment)),
  engines: described(
    z.optional(
      z.array(
        z.union(
          [
            quotedString('an engine'),
            described(
              z.strictObject({
                host: described(quotedString('host'), 'The engine, as a DOCKER_HOST URL.'),
                platforms: described(
                  Platforms,
                  'Platforms it builds natively (default: its own, asked of it).',
                ),
              }),
              'An engine and the platforms it builds natively.',
            ),
          ],
          {
            error: (issue) =>
              typeof issue.input === 'object' && issue.input !== null
                ? 'an engine is a DOCKER_HOST URL, or { host: URL, platforms: [os/arch, …] }'
                : `an engine must be a string; YAML read ${JSON.stringify(issue.input)} as a ${typeof issue.input}, so write it in quotes`,
          },
        ),
      ),
    ),
    'Docker engines to build on at once, as DOCKER_HOST URLs (unix://, tcp://, ssh://); `build --engine` overrides them.',
  ),
  platforms: described(
    z.optional(Platforms),
    'Platforms every image is built for (one image index each), e.g. [linux/amd64, linux/arm64].',
  ),
  builder: described(
    z.optional(z.enum(['buildkit', 'classic'])),
    'buildkit (the default where the engine has it) or classic; `build --builder` overrides it.',
  ),
  secrets: described(z.optional(Secrets), "Build secrets every image may use; an image's own win."),
  allowContextsOutside: described(
    z.optional(z.boolean()),
    'Allow build contexts and Dockerfiles outside the directory of images.yml (default false: refused).',
  ),
  images: described(z.record(z.string(), ImageSpec), 'The images of the tree, by name.'),
});

export type Manifest = z.infer<typeof Manifest>;
export type ImageSpec = z.infer<typeof ImageSpec>;
export type Environment = z.infer<typeof Environment>;
export type SecretSource = z.infer<typeof SecretSource>;
