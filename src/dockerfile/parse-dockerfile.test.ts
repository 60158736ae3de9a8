import { describe, expect, it } from 'vitest';
import { PinyardError } from '../errors.js';
import { parseDockerfile } from './parse-dockerfile.js';

const file = 'images/app/Dockerfile';

/** An arm64 image built on an amd64 engine: every platform ARG has a value that shows where it came from. */
const platforms = { target: 'linux/arm64', build: 'linux/amd64' };

function parse(text: string, args?: Record<string, string>) {
  return parseDockerfile(text, { file, image: 'app', platforms, ...(args ? { args } : {}) });
}

function failure(text: string, args?: Record<string, string>): PinyardError {
  try {
    parse(text, args);
  } catch (e) {
    if (e instanceof PinyardError) return e;
    throw e;
  }
  throw new Error('expected parseDockerfile to throw');
}

describe('parseDockerfile: stages', () => {
  it('reads every stage with its name, base image, kind and position', () => {
    const parsed = parse(
      [
        '# syntax=docker/dockerfile:1.7',
        'FROM --platform=$BUILDPLATFORM golang:1.22 AS Build',
        'RUN go build',
        'from build as test',
        'FROM scratch',
        `  FROM registry.example.com/acme/base-alpine:3.20@sha256:${'a'.repeat(64)} aS final`,
      ].join('\n'),
    );
    expect(parsed.syntax).toBe('docker/dockerfile:1.7');
    expect(parsed.stages).toEqual([
      {
        stageIndex: 0,
        stageName: 'build',
        image: {
          raw: 'golang:1.22',
          resolved: 'golang:1.22',
          range: { start: { line: 2, column: 32 }, end: { line: 2, column: 43 } },
        },
        platform: 'linux/amd64',
        kind: 'image',
        line: 2,
        column: 1,
      },
      {
        stageIndex: 1,
        stageName: 'test',
        image: expect.objectContaining({ raw: 'build', resolved: 'build' }),
        kind: 'stage',
        line: 4,
        column: 1,
      },
      {
        stageIndex: 2,
        image: expect.objectContaining({ resolved: 'scratch' }),
        kind: 'scratch',
        line: 5,
        column: 1,
      },
      expect.objectContaining({
        stageIndex: 3,
        stageName: 'final',
        kind: 'image',
        image: expect.objectContaining({
          resolved: `registry.example.com/acme/base-alpine:3.20@sha256:${'a'.repeat(64)}`,
        }),
        line: 6,
        column: 3,
      }),
    ]);
  });

  it('treats a FROM that names a later stage, or a stage in other case, as an image like docker does', () => {
    const parsed = parse('FROM tools\nFROM alpine AS tools\nFROM Tools\n');
    expect(parsed.stages.map((s) => s.kind)).toEqual(['image', 'image', 'image']);
  });

  it('does not read FROM lines inside a heredoc', () => {
    const parsed = parse('FROM alpine\nRUN <<EOF\nFROM nope\nEOF\n');
    expect(parsed.stages.map((s) => s.image.resolved)).toEqual(['alpine']);
  });

  it('follows line continuations, comments inside them and CRLF line ends', () => {
    const parsed = parse('FROM \\\r\n  # the base\r\n  alpine:\\\r\n3.20 \\\r\n  AS base\r\nFROM base\r\n');
    expect(parsed.stages[0]).toMatchObject({
      stageName: 'base',
      image: {
        raw: 'alpine:\\\r\n3.20',
        resolved: 'alpine:3.20',
        range: { start: { line: 3, column: 3 }, end: { line: 4, column: 5 } },
      },
    });
    expect(parsed.stages[1]).toMatchObject({ kind: 'stage', line: 6, column: 1 });
  });

  it('uses the escape character of the escape directive', () => {
    const parsed = parse('# escape=`\nARG TAG=3.20\nFROM alpine:`\n$TAG AS base\nRUN dir c:\\\n');
    expect(parsed.stages[0]?.image).toMatchObject({ raw: 'alpine:`\n$TAG', resolved: 'alpine:3.20' });
  });
});

describe('parseDockerfile: ARG substitution in FROM', () => {
  it.each([
    ['ARG TAG=3.20\nFROM alpine:$TAG', undefined, 'alpine:3.20'],
    ['ARG TAG=3.20\nFROM alpine:${TAG}', { TAG: '3.19' }, 'alpine:3.19'],
    ['ARG TAG\nFROM alpine:${TAG:-3.18}', undefined, 'alpine:3.18'],
    ['ARG TAG\nFROM alpine:${TAG:-3.18}', { TAG: '3.20' }, 'alpine:3.20'],
    ['ARG SUFFIX\nFROM alpine${SUFFIX:+-$SUFFIX}', undefined, 'alpine'],
    ['ARG SUFFIX=slim\nFROM debian:bookworm${SUFFIX:+-$SUFFIX}', undefined, 'debian:bookworm-slim'],
    ['ARG BASE="library/alpine" TAG=\'3.20\'\nFROM ${BASE}:${TAG}', undefined, 'library/alpine:3.20'],
    [
      'ARG REG=registry.example.com/acme\nARG BASE=$REG/base\nFROM $BASE',
      undefined,
      'registry.example.com/acme/base',
    ],
    ['ARG TAG=3.20\nARG TAG\nFROM alpine:$TAG', undefined, 'alpine:3.20'],
    ['ARG TAG=3.20\nFROM alpine:$TAG\nARG TAG=9\nFROM alpine:$TAG', undefined, 'alpine:3.20'],
  ])('%j with args %j → %s', (text, args, resolved) => {
    const stages = parse(text, args).stages;
    expect(stages.at(-1)?.image.resolved).toBe(resolved);
  });

  it('ignores build args the Dockerfile does not declare', () => {
    const parsed = parse('ARG TAG=3.20\nFROM alpine:${TAG}${EXTRA:-}', { EXTRA: '-x', TAG: '3.19' });
    expect(parsed.stages[0]?.image.resolved).toBe('alpine:3.19');
    expect(parsed.globalArgs).toEqual({ TAG: '3.19' });
  });

  it('reports the effective value of every ARG before the first FROM', () => {
    const parsed = parse('ARG A=1 B\nARG C=${A}2\nFROM alpine\nARG INSIDE=x\n', { B: 'b' });
    expect(parsed.globalArgs).toEqual({ A: '1', B: 'b', C: '12' });
  });

  it('substitutes in --platform, with the values docker gives the platform ARGs', () => {
    const parsed = parse(
      'ARG OS=linux\nFROM --platform=$OS/${TARGETARCH} a\nFROM --platform=${BUILDPLATFORM:-linux/s390x} b\n',
    );
    expect(parsed.stages.map((s) => s.platform)).toEqual(['linux/arm64', 'linux/amd64']);
  });

  it.each([
    // docker-stacks / BuildKit style: a stage per OS or arch, picked by the platform ARGs docker predefines.
    ['FROM alpine AS build-linux\nFROM build-$TARGETOS\n', 'build-linux', 'stage'],
    ['FROM alpine:3.20-$TARGETARCH\n', 'alpine:3.20-arm64', 'image'],
    ['FROM busybox:${TARGETARCH}${TARGETVARIANT:+-$TARGETVARIANT}\n', 'busybox:arm64', 'image'],
    ['FROM --platform=$BUILDPLATFORM golang:1.22-$BUILDOS-$BUILDARCH\n', 'golang:1.22-linux-amd64', 'image'],
    ['ARG TARGETARCH\nFROM alpine:$TARGETARCH\n', 'alpine:arm64', 'image'],
    ['ARG TARGETARCH=riscv64\nFROM alpine:$TARGETARCH\n', 'alpine:riscv64', 'image'],
  ])('gives the platform ARGs their values in FROM: %j → %s', (text, resolved, kind) => {
    const stage = parse(text).stages.at(-1)!;
    expect(stage.image.resolved).toBe(resolved);
    expect(stage.kind).toBe(kind);
  });

  it('reads the platform ARGs for the platforms it is given: a variant, and the host by default', () => {
    const arm = parseDockerfile(
      'FROM x:$TARGETPLATFORM-$TARGETVARIANT\n'.replace('$TARGETPLATFORM', '$TARGETOS'),
      {
        file,
        platforms: { target: 'linux/arm/v7', build: 'linux/amd64' },
      },
    );
    expect(arm.stages[0]?.image.resolved).toBe('x:linux-v7');
    const host = parseDockerfile('FROM x:$BUILDOS\n', { file });
    expect(host.stages[0]?.image.resolved).toBe('x:linux');
  });

  it.each([
    // BuildKit's shell lexer (frontend/dockerfile/shell/lex.go) in FROM, as its own Dockerfiles use it.
    ['ARG GO_VERSION=1.22.3\nFROM golang:${GO_VERSION%.*}-alpine\n', 'golang:1.22-alpine'],
    ['ARG GO_VERSION=1.22.3\nFROM golang:${GO_VERSION%%.*}\n', 'golang:1'],
    ['ARG IMG=docker.io/library/alpine:3.20\nFROM ${IMG#docker.io/}\n', 'library/alpine:3.20'],
    ['ARG IMG=docker.io/library/alpine:3.20\nFROM alpine:${IMG##*:}\n', 'alpine:3.20'],
    ['ARG V=3.20.1\nFROM alpine:${V/.1/}\n', 'alpine:3.20'],
    ['ARG V=a_b_c\nFROM x:${V//_/-}\n', 'x:a-b-c'],
  ])('expands pattern substitution like BuildKit: %j → %s', (text, resolved) => {
    expect(parse(text).stages[0]?.image.resolved).toBe(resolved);
  });

  it('expands an ARG without a value to nothing inside a longer FROM word, as docker does', () => {
    const parsed = parse('ARG VARIANT\nFROM busybox:stable${VARIANT}\n');
    expect(parsed.stages[0]?.image).toMatchObject({ resolved: 'busybox:stable', args: ['VARIANT'] });
    expect(parse('ARG V\nFROM alpine:${V-3.20}\n').stages[0]?.image.resolved).toBe('alpine:3.20');
  });

  it('gives a platform ARG the value the Dockerfile declares for it', () => {
    const parsed = parse('ARG TARGETPLATFORM=linux/arm64\nFROM --platform=$TARGETPLATFORM alpine\n');
    expect(parsed.stages[0]?.platform).toBe('linux/arm64');
  });
});

describe('parseDockerfile: COPY --from and RUN --mount from=', () => {
  const text = [
    'FROM golang:1.22 AS build',
    'FROM alpine:3.20',
    'COPY --from=build /out/app /usr/bin/app',
    'COPY --from=0 /etc/ssl /etc/ssl',
    'copy --link --chown=1:1 --from=busybox:1.36 /bin/busybox /bin/',
    'COPY --from=BUILD /a /b',
    'RUN --mount=type=bind,from=build,source=/out,target=/mnt \\',
    '    --mount=type=cache,target=/root/.cache,from=registry.example.com/acme/cache:1 true',
    'RUN --mount=type=tmpfs,target=/tmp --mount=type=cache,target=/c --mount=type=secret,id=x true',
    'COPY src /src',
  ].join('\n');

  it('records each source with its kind, position and value range', () => {
    expect(parse(text).copyFroms).toEqual([
      {
        stageIndex: 1,
        from: {
          raw: 'build',
          resolved: 'build',
          range: { start: { line: 3, column: 13 }, end: { line: 3, column: 18 } },
        },
        kind: 'stage',
        via: 'copy-from',
        line: 3,
        column: 1,
      },
      expect.objectContaining({ from: expect.objectContaining({ resolved: '0' }), kind: 'stage', line: 4 }),
      expect.objectContaining({
        from: expect.objectContaining({ resolved: 'busybox:1.36' }),
        kind: 'image',
        line: 5,
      }),
      expect.objectContaining({
        from: expect.objectContaining({ resolved: 'BUILD' }),
        kind: 'stage',
        line: 6,
      }),
      expect.objectContaining({
        from: expect.objectContaining({ resolved: 'build' }),
        kind: 'stage',
        via: 'mount-from',
        line: 7,
      }),
      {
        stageIndex: 1,
        from: {
          raw: 'registry.example.com/acme/cache:1',
          resolved: 'registry.example.com/acme/cache:1',
          range: { start: { line: 8, column: 49 }, end: { line: 8, column: 82 } },
        },
        kind: 'image',
        via: 'mount-from',
        line: 7,
        column: 1,
      },
    ]);
  });

  it('treats a number in a mount from= as an image name, as BuildKit does', () => {
    const parsed = parse('FROM a\nFROM b\nRUN --mount=from=0,target=/x true\n');
    expect(parsed.copyFroms[0]?.kind).toBe('image');
  });

  it('accepts COPY --from naming a stage defined later', () => {
    const parsed = parse('FROM a\nCOPY --from=later /x /x\nFROM b AS later\n');
    expect(parsed.copyFroms[0]?.kind).toBe('stage');
  });
});

describe('parseDockerfile: errors', () => {
  it.each([
    ['', 'the Dockerfile has no FROM instruction', 1, 1],
    ['# only a comment\nARG A=1\n', 'the Dockerfile has no FROM instruction', 1, 1],
    ['ARG A=1\nRUN echo\nFROM alpine', 'RUN before the first FROM', 2, 1],
    ['FROM\n', 'FROM needs an image', 1, 1],
    ['FROM alpine AS\n', 'AS needs a stage name', 1, 13],
    ['FROM alpine base\n', 'unexpected "base" in FROM', 1, 13],
    ['FROM alpine AS base extra\n', 'unexpected "extra" in FROM', 1, 21],
    ['FROM --platform alpine\n', '--platform needs a value', 1, 6],
    ['FROM --platform= alpine\n', '--platform needs a value', 1, 6],
    ['FROM --pull=always alpine\n', 'unknown flag --pull on FROM', 1, 6],
    ['FROM -- alpine\n', 'malformed flag on FROM', 1, 6],
    ['FROM --platform=a --platform=b alpine\n', '--platform is given twice', 1, 19],
    ['FROM alpine AS 1st\n', 'invalid stage name "1st"', 1, 16],
    ['FROM alpine AS base\nFROM debian AS Base\n', 'duplicate stage name "base"', 2, 16],
    ['FROM alpine:${TAG\n', `missing '}' in "alpine:\${TAG"`, 1, 13],
    [
      'ARG BASE=a\nFROM ${BASE#\\x}\n',
      `invalid pattern (\\x) in substitution: invalid escape '\\x' in "\${BASE#\\x}"`,
      2,
      6,
    ],
    ['ARG BASE=\nFROM $BASE\n', 'FROM $BASE is empty after substitution', 2, 6],
    ['ARG P=\nFROM --platform=$P alpine\n', '--platform=$P is empty after substitution', 2, 6],
    ['FROM alpine\nCOPY --from /a /b\n', '--from needs a value', 2, 6],
    ['FROM alpine\nCOPY --from=a --from=b /a /b\n', '--from is given twice', 2, 15],
    [
      'FROM alpine\nCOPY --from=2 /a /b\n',
      'COPY --from=2: there is no stage 2 (this Dockerfile has 1 stage, counted from 0)',
      2,
      13,
    ],
    ['FROM alpine AS a\nCOPY --from=a /a /b\n', 'stage 0 copies from itself', 2, 13],
    ['FROM alpine AS a\nRUN --mount=from=a,target=/x true\n', 'stage 0 copies from itself', 2, 18],
    ['FROM alpine\nRUN --mount=type=bind,from=,target=/x true\n', 'from= in --mount needs a value', 2, 23],
  ])('%j → %s at %i:%i', (text, message, line, column) => {
    const error = failure(text);
    expect(error.code).toBe('PINYARD_DOCKERFILE_INVALID');
    expect(error.message).toBe(message);
    expect(error.position).toEqual({ file, line, column });
    expect(error.hint).toBeTruthy();
  });

  it('refuses a FROM that an ARG without a value leaves empty, and says where to give it one', () => {
    const error = failure('ARG BASE\nARG TAG=1\nFROM \\\n  ${BASE}\n');
    expect(error.located).toBe('images/app/Dockerfile:4:3: FROM ${BASE} is empty after substitution');
    expect(error.hint).toBe(
      'give ARG BASE a value: a default in the Dockerfile (ARG BASE=<image>) or images.app.args.BASE in images.yml',
    );
  });

  it('points at a variable no ARG before the first FROM declares', () => {
    const error = failure('FROM alpine\nARG TAG=1\nFROM alpine:$TAG\n');
    expect(error.located).toBe(
      'images/app/Dockerfile:3:13: FROM uses $TAG, but no ARG TAG is declared before the first FROM',
    );
    expect(error.hint).toContain('declare ARG TAG=<value> before the first FROM');
  });

  it('suggests a declared ARG or a platform ARG for a misspelt variable', () => {
    const platform = failure('FROM --platform=$BULIDPLATFORM golang AS build\n');
    expect(platform.message).toBe(
      'FROM --platform uses $BULIDPLATFORM, but no ARG BULIDPLATFORM is declared before the first FROM (did you mean $BUILDPLATFORM?)',
    );
    expect(platform.hint).toBe(
      'write $BUILDPLATFORM, or declare ARG BULIDPLATFORM=<value> before the first FROM',
    );
    const declared = failure('ARG BASE_IMAGE=alpine\nFROM $BASE_IMGAE\n');
    expect(declared.message).toContain('(did you mean $BASE_IMAGE?)');
    expect(declared.position).toEqual({ file, line: 2, column: 6 });
  });

  it('says that ${V:?message} needs a value, with the message', () => {
    const error = failure('ARG BASE\nFROM ${BASE:?pass-BASE-as-a-build-arg}\n');
    expect(error.located).toBe(
      'images/app/Dockerfile:2:6: $BASE has no value, and the Dockerfile requires one: pass-BASE-as-a-build-arg',
    );
    expect(error.hint).toBe(
      'give ARG BASE a value: a default in the Dockerfile or images.app.args.BASE in images.yml',
    );
  });

  it('refuses an undeclared variable in --platform', () => {
    const error = failure('FROM --platform=$PLATFORM alpine\n');
    expect(error.message).toBe(
      'FROM --platform uses $PLATFORM, but no ARG PLATFORM is declared before the first FROM',
    );
  });

  it.each([
    ['ARG TAG=3.20\nFROM a\nCOPY --from=alpine:$TAG /a /b\n', 'COPY --from=alpine:$TAG', 3, 13],
    ['FROM a\nCOPY --from="b" /a /b\n', 'COPY --from="b"', 2, 13],
    ['FROM a\nRUN --mount=from=${IMG},target=/x true\n', 'RUN --mount from=${IMG}', 2, 18],
  ])('refuses variables and quotes in %j, which docker would not expand', (text, shown, line, column) => {
    const error = failure(text);
    expect(error.message).toBe(`${shown}: docker does not expand variables or quotes here`);
    expect(error.position).toEqual({ file, line, column });
    expect(error.hint).toContain('add a stage that uses it');
  });
});
