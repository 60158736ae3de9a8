import { rewriteImageRefs } from './rewrite-image-refs.js';
import type { ImageToken, ParsedDockerfile } from './types.js';

/**
 * The Dockerfile with every image it names (`# syntax=`, FROM of each stage, COPY --from, RUN --mount from=) replaced
 * by `pin(resolved text)`; stages, scratch and texts `pin` leaves alone (undefined) stay as written.
 * A pin replaces the whole token as written, so `golang:${GO_VERSION}-alpine` becomes a literal ref.
 */
export function pinImageRefs(
  text: string,
  parsed: ParsedDockerfile,
  pin: (resolved: string) => string | undefined,
): string {
  const tokens: ImageToken[] = [
    ...(parsed.syntaxImage ? [parsed.syntaxImage.token] : []),
    ...parsed.stages.filter((s) => s.kind === 'image').map((s) => s.image),
    ...parsed.copyFroms.filter((c) => c.kind === 'image').map((c) => c.from),
  ];
  const replacements = tokens.flatMap((token) => {
    const replacement = pin(token.resolved);
    return replacement === undefined ? [] : [{ range: token.range, replacement }];
  });
  return rewriteImageRefs(text, replacements);
}
