import type { Readable } from 'node:stream';
import type {
  BuildOptions,
  BuildResult,
  ImageDetails,
  PushResult,
  TransferOptions,
} from '../../../src/engine/index.js';
import { parseReference, repositoryName } from '../../../src/reference/index.js';
import { digestOf, type FakeRegistry } from './fake-registry.js';

/** What the engine was asked to build: the Dockerfile it received and the options that reach `docker build`. */
export interface FakeBuild {
  tags: string[];
  dockerfile: string;
  target?: string;
  platform?: string;
  buildArgs?: Record<string, string>;
}

/**
 * A Docker engine in memory. Its images (`images`: name → ID) are what `docker image ls` would show;
 * `builds` is every build it ran, with the Dockerfile read out of the context tar as the engine would.
 * A push stores the image in the fake registry, like `docker push`. `buildHook` may fail or hold a build.
 * It has the Engine interface's methods (and answers `builderSupport()` as an engine with BuildKit); it is
 * not declared `implements Engine`, so an interface that grows a method does not break these tests' types.
 */
export class FakeEngine {
  readonly images = new Map<string, string>();
  readonly builds: FakeBuild[] = [];
  readonly pulls: string[] = [];
  readonly pushes: string[] = [];
  /** Each image's labels, from the LABEL instructions of the Dockerfile it was built from. */
  readonly labels = new Map<string, Record<string, string>>();
  buildHook: (build: FakeBuild, signal: AbortSignal | undefined) => Promise<void> | void = () => {};
  /** Set to make the engine claim another digest than the one it stored (a raced or lying push). */
  misreportPush = false;

  constructor(
    readonly dockerHost: string,
    private readonly registry?: FakeRegistry,
  ) {}

  /** The name the report shows: here always the address. */
  get name(): string {
    return this.dockerHost;
  }

  async ping(): Promise<void> {}

  async checkCredentials(): Promise<void> {}

  async platform(): Promise<string> {
    return 'linux/amd64';
  }

  async builderSupport(): Promise<{ builder: 'buildkit' | 'classic'; reason?: string }> {
    return { builder: 'classic', reason: 'a fake engine' };
  }

  async build(options: BuildOptions): Promise<BuildResult> {
    const files = await untar(options.context);
    const build: FakeBuild = {
      tags: options.tags ?? [],
      dockerfile: files.get(options.dockerfile) ?? '',
      ...(options.target ? { target: options.target } : {}),
      ...(options.platform ? { platform: options.platform } : {}),
      ...(options.buildArgs ? { buildArgs: options.buildArgs } : {}),
    };
    this.builds.push(build);
    await this.buildHook(build, options.signal);
    const id = digestOf(`${this.dockerHost}\n${build.dockerfile}\n${build.target}\n${build.platform}`);
    for (const tag of build.tags) this.images.set(tag, id);
    this.labels.set(id, labelsOf(build.dockerfile));
    return { imageId: id };
  }

  async push(ref: string, _options?: TransferOptions): Promise<PushResult> {
    this.pushes.push(ref);
    const id = this.images.get(ref);
    if (!id || !this.registry) throw new Error(`fake engine: nothing to push as ${ref}`);
    const parsed = parseReference(ref);
    const digest = this.registry.store(
      `${parsed.registry}/${parsed.repository}`,
      parsed.tag!,
      id,
      this.labels.get(id) ?? {},
    );
    return { digest: this.misreportPush ? digestOf(`lie ${digest}`) : digest, size: 100 };
  }

  async pull(ref: string): Promise<void> {
    this.pulls.push(ref);
  }

  async tag(image: string, repository: string, tag: string): Promise<void> {
    const id = this.images.get(image) ?? image;
    this.images.set(`${repository}:${tag}`, id);
  }

  async inspect(ref: string): Promise<ImageDetails | undefined> {
    const id = this.images.get(ref) ?? ([...this.images.values()].includes(ref) ? ref : undefined);
    if (!id) return undefined;
    const repoTags = [...this.images].filter(([, v]) => v === id).map(([k]) => k);
    return { id, labels: this.labels.get(id) ?? {}, repoDigests: [], repoTags } as unknown as ImageDetails;
  }

  async remove(ref: string): Promise<'removed' | 'not-found'> {
    return this.images.delete(ref) ? 'removed' : 'not-found';
  }

  /** `repository:tag` names of the engine's images in one repository, sorted. */
  namesIn(repository: string): string[] {
    return [...this.images.keys()]
      .filter((name) => repositoryName(parseReference(name)) === repository)
      .sort();
  }
}

/** `"key"="value"` pairs of a Dockerfile's LABEL instructions (pinyard writes them quoted). */
function labelsOf(dockerfile: string): Record<string, string> {
  return Object.fromEntries([...dockerfile.matchAll(/"([^"]+)"="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
}

/** The regular files of an uncompressed tar (ustar headers: name at 0, octal size at 124). */
async function untar(stream: Readable): Promise<Map<string, string>> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  const tar = Buffer.concat(chunks);
  const files = new Map<string, string>();
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    const name = header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    if (!name) break;
    const size = Number.parseInt(header.subarray(124, 136).toString('utf8').replace(/\0.*$/s, '').trim(), 8);
    files.set(name, tar.subarray(at + 512, at + 512 + size).toString('utf8'));
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}
