/** `os/arch[/variant]` in lower case, as images.yml, images.lock and `--platform` write a platform. */
export const PLATFORM_PATTERN = /^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/;

/**
 * Platforms as containerd's matcher compares them (containerd/platforms `Normalize`): `linux/arm64` is
 * `linux/arm64/v8`, `linux/arm` is `linux/arm/v7`, `linux/amd64/v1` is `linux/amd64`. Upstream indexes
 * write the variant (`arm64/v8`), images.yml usually does not. Pure.
 */
export function normalizePlatform(platform: string): string {
  const [os = '', arch = '', variant] = platform.toLowerCase().split('/');
  const defaults: Record<string, string> = { arm64: 'v8', arm: 'v7' };
  if (arch === 'amd64' && variant === 'v1') return `${os}/${arch}`;
  const v = variant ?? defaults[arch];
  return v ? `${os}/${arch}/${v}` : `${os}/${arch}`;
}

/** The value recorded for `platform` in a map keyed by platforms, however either spells its variant. */
export function byPlatform<T>(record: Record<string, T> | undefined, platform: string): T | undefined {
  if (!record) return undefined;
  const wanted = normalizePlatform(platform);
  const key = Object.keys(record).find((k) => normalizePlatform(k) === wanted);
  return key === undefined ? undefined : record[key];
}
