import { describe, expect, it } from 'vitest';
import { parseDockerfile } from './index.js';
import { pinImageRefs } from './pin-image-refs.js';

describe('pinImageRefs', () => {
  it('replaces every image a stage, COPY --from or mount uses, and nothing else', () => {
    const text = [
      'ARG GO=1.23',
      'FROM golang:${GO}-alpine AS toolchain',
      'FROM base AS final',
      'COPY --from=toolchain /go /go',
      'COPY --from=nginx:1.27 /etc/nginx \\',
      '     /etc/nginx',
      'RUN --mount=type=bind,from=tools,target=/t true',
      'FROM scratch',
      '',
    ].join('\n');
    const pins: Record<string, string> = {
      'golang:1.23-alpine': 'docker.io/library/golang:1.23-alpine@sha256:aa',
      base: 'registry.example.com/acme/base@sha256:bb',
      'nginx:1.27': 'docker.io/library/nginx:1.27@sha256:cc',
    };
    const parsed = parseDockerfile(text, { file: 'Dockerfile' });
    expect(pinImageRefs(text, parsed, (resolved) => pins[resolved])).toBe(
      [
        'ARG GO=1.23',
        'FROM docker.io/library/golang:1.23-alpine@sha256:aa AS toolchain',
        'FROM registry.example.com/acme/base@sha256:bb AS final',
        'COPY --from=toolchain /go /go',
        'COPY --from=docker.io/library/nginx:1.27@sha256:cc /etc/nginx \\',
        '     /etc/nginx',
        'RUN --mount=type=bind,from=tools,target=/t true',
        'FROM scratch',
        '',
      ].join('\n'),
    );
  });

  it('pins the # syntax= frontend image like any upstream image, in place', () => {
    const text = '# syntax = docker/dockerfile:1.7\n# escape=\\\nFROM alpine:3.20\nRUN true\n';
    const parsed = parseDockerfile(text, { file: 'Dockerfile' });
    expect(parsed.syntaxImage).toMatchObject({
      line: 1,
      column: 12,
      token: { resolved: 'docker/dockerfile:1.7' },
    });
    const pins: Record<string, string> = {
      'docker/dockerfile:1.7': 'docker.io/docker/dockerfile:1.7@sha256:dd',
      'alpine:3.20': 'docker.io/library/alpine:3.20@sha256:aa',
    };
    expect(pinImageRefs(text, parsed, (resolved) => pins[resolved])).toBe(
      '# syntax = docker.io/docker/dockerfile:1.7@sha256:dd\n# escape=\\\nFROM docker.io/library/alpine:3.20@sha256:aa\nRUN true\n',
    );
  });
});
