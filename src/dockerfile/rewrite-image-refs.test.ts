import { describe, expect, it } from 'vitest';
import { parseDockerfile } from './parse-dockerfile.js';
import { rewriteImageRefs } from './rewrite-image-refs.js';

const digest = `sha256:${'b'.repeat(64)}`;

/** Pins every image (not stage, not scratch) the way `build` does. */
function pinAll(text: string): string {
  const parsed = parseDockerfile(text, { file: 'Dockerfile' });
  const tokens = [
    ...parsed.stages.filter((s) => s.kind === 'image').map((s) => s.image),
    ...parsed.copyFroms.filter((c) => c.kind === 'image').map((c) => c.from),
  ];
  return rewriteImageRefs(
    text,
    tokens.map((t) => ({ range: t.range, replacement: `${t.resolved.replace(/:[^:/]*$/, '')}@${digest}` })),
  );
}

describe('rewriteImageRefs', () => {
  it('replaces only the image references, across continuations, comments and ARGs', () => {
    const text = [
      '# syntax=docker/dockerfile:1',
      'ARG TAG=1.22',
      'FROM --platform=$BUILDPLATFORM \\',
      '    # the toolchain',
      '    golang:${TAG} AS build',
      'RUN go build -o /app',
      '',
      'from \\',
      '  alpine:\\',
      '3.20',
      'COPY --from=build /app /app',
      'COPY --link --from=busybox:1.36 \\',
      '     /bin/busybox /bin/',
      'RUN --mount=type=cache,from=registry.example.com/acme/cache:1,target=/c true',
      '',
    ].join('\n');
    expect(pinAll(text)).toBe(
      [
        '# syntax=docker/dockerfile:1',
        'ARG TAG=1.22',
        'FROM --platform=$BUILDPLATFORM \\',
        '    # the toolchain',
        `    golang@${digest} AS build`,
        'RUN go build -o /app',
        '',
        'from \\',
        `  alpine@${digest}`,
        'COPY --from=build /app /app',
        `COPY --link --from=busybox@${digest} \\`,
        '     /bin/busybox /bin/',
        `RUN --mount=type=cache,from=registry.example.com/acme/cache@${digest},target=/c true`,
        '',
      ].join('\n'),
    );
  });

  it('keeps CRLF line ends and the escape directive untouched', () => {
    const text = '# escape=`\r\nFROM alpine:3.20 AS a\r\nRUN dir c:\\ `\r\n  /w\r\nFROM a\r\n';
    expect(pinAll(text)).toBe(
      `# escape=\`\r\nFROM alpine@${digest} AS a\r\nRUN dir c:\\ \`\r\n  /w\r\nFROM a\r\n`,
    );
  });

  it('returns the text unchanged when there is nothing to replace', () => {
    const text = 'FROM scratch\nCOPY x /\n';
    expect(rewriteImageRefs(text, [])).toBe(text);
  });

  it('refuses overlapping ranges and ranges outside the text', () => {
    const range = { start: { line: 1, column: 6 }, end: { line: 1, column: 12 } };
    expect(() =>
      rewriteImageRefs('FROM alpine\n', [
        { range, replacement: 'a' },
        { range: { ...range, start: { line: 1, column: 8 } }, replacement: 'b' },
      ]),
    ).toThrow(RangeError);
    expect(() =>
      rewriteImageRefs('FROM alpine\n', [
        { range: { ...range, end: { line: 1, column: 40 } }, replacement: 'a' },
      ]),
    ).toThrow(RangeError);
  });
});
