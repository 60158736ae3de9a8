import type { ParsedDockerfile } from '../../dockerfile/index.js';
import type { ImageConfig } from '../../manifest/index.js';

/**
 * The build arg values of an image that are redacted like passwords: masked in every line pinyard prints
 * or logs, and announced to GitHub Actions with `::add-mask::`. A build arg is how a Dockerfile gets a
 * token when nothing better is at hand, and pinyard cannot tell which are tokens, so all are, except an arg
 * a FROM line uses: that one becomes part of an image reference, which the plan shows and images.lock
 * records, so it is no secret (and masking `3.20` would mask every `alpine:3.20`). Pure.
 */
export function secretArgValues(image: ImageConfig, dockerfile: ParsedDockerfile | undefined): string[] {
  const fromText = (dockerfile?.stages ?? []).map((stage) => stage.image.raw).join('\n');
  return Object.entries(image.args)
    .filter(([name]) => !new RegExp(`\\$(?:${name}\\b|\\{${name}[}:])`).test(fromText))
    .map(([, value]) => value);
}
