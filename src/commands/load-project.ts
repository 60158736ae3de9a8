import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  type BuildPlatforms,
  buildPlatforms,
  hostPlatform,
  type ParsedDockerfile,
  parseDockerfile,
} from '../dockerfile/index.js';
import { isPinyardError, PinyardError } from '../errors.js';
import { fileProblem } from '../file-problem.js';
import { buildImageGraph, type ImageGraph, platformProblems } from '../graph/index.js';
import { type ImageConfig, type LoadedManifest, readManifest } from '../manifest/index.js';
import { inFileOrder } from '../manifest/yaml-document.js';
import { formatPath } from '../manifest/yaml-positions.js';
import { type RealPath, rememberedRealpath } from '../real-path.js';

export interface Project extends LoadedManifest {
  dockerfiles: Map<string, ParsedDockerfile>;
  /** Each image's Dockerfile as read (a UTF-8 byte order mark removed), for commands that rewrite it. */
  texts: Map<string, string>;
  graph: ImageGraph;
}

export interface LoadProjectOptions {
  /**
   * The platform of the engine that builds, for the platform ARGs of FROM lines (`$BUILDPLATFORM`, and
   * `$TARGETPLATFORM` of images without `platform:`). Default: a Linux engine on this machine's architecture.
   */
  buildPlatform?: string;
}

/**
 * images.yml + every Dockerfile → the graph every command starts from. Every problem is reported in one
 * run, in file order: Dockerfiles that cannot be read or lie outside their context, Dockerfile syntax, and
 * the references of every Dockerfile that did parse.
 */
export async function loadProject(
  manifestFile: string,
  cwd: string,
  options: LoadProjectOptions = {},
): Promise<Project> {
  // The rules and the reader below resolve the same contexts: once for both.
  const realpath = rememberedRealpath();
  const { problems: manifestProblems, ...loaded } = await readManifest(manifestFile, cwd, realpath);
  const { manifest } = loaded;
  const build = options.buildPlatform ?? hostPlatform();
  const dockerfiles = new Map<string, ParsedDockerfile>();
  const texts = new Map<string, string>();
  const problems: PinyardError[] = manifestProblems.map((p) =>
    p.hint
      ? p
      : new PinyardError(p.code, p.message, {
          ...(p.position ? { position: p.position } : {}),
          hint: 'see the images.yml reference in the README',
        }),
  );
  const reader = new DockerfileReader(cwd, realpath);
  // An image whose context or Dockerfile images.yml already reports as missing is not read: that would only
  // repeat the problem. Every other Dockerfile is read, and its problems reported in the same run.
  const flagged = new Set(manifestProblems.flatMap((p) => imageOfProblem(p, manifest.images)));
  for (const image of manifest.images.filter((i) => !flagged.has(i.name))) {
    const outcome = reader.read(image, loaded, buildPlatforms(image.platform, build));
    if (outcome instanceof PinyardError) problems.push(outcome);
    else {
      texts.set(image.name, outcome.text);
      dockerfiles.set(image.name, outcome.parsed);
    }
  }
  const inputs = manifest.images.flatMap((image) => {
    const dockerfile = dockerfiles.get(image.name);
    return dockerfile
      ? [
          {
            name: image.name,
            repository: image.repository,
            tags: image.tags,
            dockerfile,
            ...(image.target ? { target: image.target } : {}),
          },
        ]
      : [];
  });
  const graphOptions = manifest.registry ? { registry: manifest.registry } : {};
  if (problems.length > 0) {
    // The Dockerfiles that did parse may have problems of their own: report them in the same run.
    try {
      buildImageGraph(inputs, graphOptions);
    } catch (error) {
      if (!isPinyardError(error) || error.code !== 'PINYARD_DOCKERFILE_INVALID') throw error;
      for (const problem of [error, ...error.details]) {
        problems.push(
          new PinyardError(problem.code, problem.message, {
            ...(problem.position ? { position: problem.position } : {}),
            ...(problem.hint ? { hint: problem.hint } : {}),
          }),
        );
      }
    }
    throw collect(problems, loaded.parsed.file);
  }
  const graph = buildImageGraph(inputs, graphOptions);
  const platforms = platformProblems(graph, manifest.images);
  if (platforms.length > 0) throw collectPlatformProblems(platforms);
  return { ...loaded, dockerfiles, texts, graph };
}

/** Images built for platforms their parents lack, as one refusal (each at the Dockerfile line naming the parent). */
export function collectPlatformProblems(problems: PinyardError[]): PinyardError {
  const [first] = problems;
  if (problems.length === 1 && first) return first;
  return new PinyardError(
    'PINYARD_MANIFEST_INVALID',
    `${problems.length} images are built for platforms their parents lack`,
    { details: problems },
  );
}

/**
 * Reads and parses Dockerfiles, once per text and set of values that can change what its FROM lines
 * resolve to: a tree of thousands of images often shares a few Dockerfiles, and parsing is most of the cost.
 */
class DockerfileReader {
  private readonly textByPath = new Map<string, string | PinyardError>();
  private readonly declaredByText = new Map<string, string[]>();
  private readonly parsedByKey = new Map<string, ParsedDockerfile | PinyardError>();
  constructor(
    private readonly cwd: string,
    private readonly realpath: RealPath,
  ) {}

  read(
    image: ImageConfig,
    loaded: LoadedManifest,
    platforms: BuildPlatforms,
  ): { text: string; parsed: ParsedDockerfile } | PinyardError {
    const outside = dockerfileOutsideContext(image, loaded, this.realpath);
    if (outside) return outside;
    const text = this.text(image, loaded);
    if (text instanceof PinyardError) return text;
    const declared = this.declaredByText.get(text);
    const args = declared
      ? Object.fromEntries(
          declared.filter((a) => Object.hasOwn(image.args, a)).map((a) => [a, image.args[a]]),
        )
      : image.args;
    const key = JSON.stringify([image.dockerfile, text, args, platforms]);
    let parsed = this.parsedByKey.get(key);
    if (!parsed) {
      parsed = this.parse(text, image, platforms);
      this.parsedByKey.set(key, parsed);
      if (!(parsed instanceof PinyardError)) this.declaredByText.set(text, Object.keys(parsed.globalArgs));
    }
    return parsed instanceof PinyardError ? parsed : { text, parsed };
  }

  private text(image: ImageConfig, loaded: LoadedManifest): string | PinyardError {
    let text = this.textByPath.get(image.dockerfile);
    if (text === undefined) {
      try {
        // Synchronously: thousands of small files read faster in a loop than through the thread pool.
        // docker ignores a UTF-8 byte order mark; removed here, line 1's columns are the editor's.
        text = readFileSync(image.dockerfile, 'utf8').replace(/^\uFEFF/, '');
      } catch (cause) {
        const key = loaded.parsed.raw.images[image.name]?.dockerfile !== undefined ? 'dockerfile' : 'context';
        text = new PinyardError(
          'PINYARD_DOCKERFILE_NOT_FOUND',
          `images.${image.name}.${key}: cannot read Dockerfile ${path.relative(this.cwd, image.dockerfile)}: ${fileProblem(cause)}`,
          {
            position: loaded.parsed.locate(['images', image.name, key]),
            hint: 'make the Dockerfile a readable file for the user that runs pinyard',
            cause,
          },
        );
      }
      this.textByPath.set(image.dockerfile, text);
    }
    return text;
  }

  private parse(
    text: string,
    image: ImageConfig,
    platforms: BuildPlatforms,
  ): ParsedDockerfile | PinyardError {
    try {
      return parseDockerfile(text, {
        file: path.relative(this.cwd, image.dockerfile),
        args: image.args,
        image: image.name,
        platforms,
      });
    } catch (error) {
      if (isPinyardError(error)) return error;
      throw error;
    }
  }
}

/**
 * A Dockerfile that is not inside its build context, by its path or through a symlink: docker would read a
 * file the context does not hold, and its content would not be part of the image's input hash.
 */
function dockerfileOutsideContext(
  image: ImageConfig,
  loaded: LoadedManifest,
  realpath: RealPath,
): PinyardError | undefined {
  const context = realpath(image.context);
  const dockerfile = realpath(image.dockerfile);
  // A missing file is reported by the manifest rules or when it is read.
  if (context === undefined || dockerfile === undefined) return undefined;
  const relative = path.relative(context, dockerfile);
  if (
    relative !== '' &&
    !relative.startsWith(`..${path.sep}`) &&
    relative !== '..' &&
    !path.isAbsolute(relative)
  ) {
    return undefined;
  }
  const key = loaded.parsed.raw.images[image.name]?.dockerfile !== undefined ? 'dockerfile' : 'context';
  const through = dockerfile === path.resolve(image.dockerfile) ? '' : ` (it is a symlink to ${dockerfile})`;
  return new PinyardError(
    'PINYARD_CONTEXT_INVALID',
    `images.${image.name}.${key}: Dockerfile ${path.relative(loaded.manifest.dir, image.dockerfile)} is outside the build context ${path.relative(loaded.manifest.dir, image.context) || '.'}${through}`,
    {
      position: loaded.parsed.locate(['images', image.name, key]),
      hint: 'move the Dockerfile into the context directory, or make the context a directory that holds it',
    },
  );
}

/** The image whose context or Dockerfile a manifest problem is about (`images.app.context: …`). */
function imageOfProblem(problem: PinyardError, images: ImageConfig[]): string[] {
  const about = (name: string, key: string) =>
    problem.message.startsWith(`${formatPath(['images', name, key])}:`);
  return images.filter((i) => about(i.name, 'context') || about(i.name, 'dockerfile')).map((i) => i.name);
}

function collect(problems: PinyardError[], manifestFile: string): PinyardError {
  // images.yml first, then each Dockerfile: the order a user reads and fixes them in.
  const sorted = inFileOrder(problems);
  const all = [
    ...sorted.filter((p) => p.position?.file === manifestFile),
    ...sorted.filter((p) => p.position?.file !== manifestFile),
  ];
  const [first] = all;
  if (all.length === 1 && first) return first;
  const files = new Set(all.map((p) => p.position?.file)).size;
  // A manifest problem first decides the code: it is the first thing to fix.
  const code =
    all.find((p) => p.code.startsWith('PINYARD_MANIFEST'))?.code ??
    first?.code ??
    'PINYARD_DOCKERFILE_INVALID';
  return new PinyardError(code, `${all.length} problems in ${files} file${files === 1 ? '' : 's'}`, {
    details: all,
    hint: 'each problem says what to do; see the images.yml reference in the README',
  });
}
