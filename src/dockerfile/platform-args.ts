/**
 * ARGs docker (BuildKit) defines itself in the global scope, one value per platform of the build.
 * pinyard cannot know them before building, so in --platform they stay as written.
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
