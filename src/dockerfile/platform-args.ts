/**
 * ARGs docker (BuildKit) defines itself in the global scope, from the build's target platform (the
 * image's `platform:` or the engine's own) and the platform of the engine that builds. A FROM may use them
 * without declaring them (`FROM build-$TARGETOS`, `FROM alpine:3.20-$TARGETARCH`).
 */
export const PLATFORM_ARGS: ReadonlySet<string> = new Set([
  'BUILDPLATFORM',
  'BUILDOS',
  'BUILDARCH',
  'BUILDVARIANT',
  'TARGETPLATFORM',
  'TARGETOS',
  'TARGETARCH',
  'TARGETVARIANT',
]);

/** The platforms a Dockerfile is read for, each `os/arch[/variant]` as docker writes it. */
export interface BuildPlatforms {
  /** What the image is built for: its `platform:` in images.yml, else the engine's. */
  target: string;
  /** The engine that builds it. */
  build: string;
}

/** The values of the platform ARGs docker sets for these platforms (a missing variant is ''). */
export function platformArgValues(platforms: BuildPlatforms): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [prefix, platform] of [
    ['TARGET', platforms.target],
    ['BUILD', platforms.build],
  ] as const) {
    const [os = '', arch = '', variant = ''] = platform.split('/');
    values[`${prefix}PLATFORM`] = platform;
    values[`${prefix}OS`] = os;
    values[`${prefix}ARCH`] = arch;
    values[`${prefix}VARIANT`] = variant;
  }
  return values;
}

/** Node's process.arch → the architecture (and variant) docker names it by (containerd's platforms package). */
const DOCKER_ARCH: Record<string, string> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm/v7',
  ia32: '386',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
  loong64: 'loong64',
  mips64el: 'mips64le',
  mipsel: 'mipsle',
};

/**
 * The platform of a Linux engine on this machine's architecture: what `plan` assumes for the platform ARGs
 * when it has no engine to ask. Pure: the architecture is a parameter (process.arch by default); `build`
 * passes the engine's own platform instead. `armVersion` is Node's `arm_version` (6 or 7) on 32-bit arm.
 */
export function hostPlatform(arch: string = process.arch, armVersion?: string): string {
  if (arch === 'arm' && armVersion !== undefined) return `linux/arm/v${armVersion}`;
  return `linux/${DOCKER_ARCH[arch] ?? arch}`;
}

/** The platforms for an image: its own `platform:` as the target if it has one, else the build platform. */
export function buildPlatforms(
  imagePlatform: string | undefined,
  build: string = hostPlatform(),
): BuildPlatforms {
  return { target: imagePlatform ?? build, build };
}
