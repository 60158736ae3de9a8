import { describe, expect, it } from 'vitest';
import { thrown } from '../../test/helpers/thrown.js';
import { parseDockerfile } from '../dockerfile/index.js';
import { buildImageGraph, type ImageGraphOptions } from './build-image-graph.js';

/** images.yml-like input: name -> Dockerfile text (and build args, human tags). */
function graphOf(
  dockerfiles: Record<
    string,
    string | { text: string; args?: Record<string, string>; tags?: string[]; target?: string }
  >,
  options?: ImageGraphOptions,
) {
  const inputs = Object.entries(dockerfiles).map(([name, spec]) => {
    const { text, args, tags, target } = typeof spec === 'string' ? { text: spec } : spec;
    const file = `images/${name}/Dockerfile`;
    const dockerfile = parseDockerfile(text, { file, image: name, ...(args ? { args } : {}) });
    return { name, dockerfile, ...(tags ? { tags } : {}), ...(target ? { target } : {}) };
  });
  return buildImageGraph(inputs, options);
}

const digest = `sha256:${'c'.repeat(64)}`;

describe('buildImageGraph', () => {
  it('links images through FROM, COPY --from and mount from=, and keeps the rest as upstream refs', () => {
    const graph = graphOf({
      app: [
        'FROM golang:1.22 AS build',
        'COPY --from=tools /bin/lint /bin/',
        'FROM base-alpine:3.20',
        'COPY --from=build /app /app',
        'RUN --mount=type=bind,from=tools,target=/t true',
        'COPY --from=alpine:3.20 /etc/ssl /etc/ssl',
      ].join('\n'),
      tools: 'FROM base-alpine\nFROM scratch AS empty\n',
      'base-alpine': { text: 'FROM alpine:3.20\n', tags: ['3.20'] },
    });
    expect(graph.order).toEqual(['base-alpine', 'tools', 'app']);
    expect([...graph.images.keys()]).toEqual(['app', 'base-alpine', 'tools']);
    expect(graph.images.get('app')).toEqual({
      name: 'app',
      base: 'base-alpine',
      parents: ['base-alpine', 'tools'],
      parentSites: {
        'base-alpine': [
          { file: 'images/app/Dockerfile', line: 3, column: 1, via: 'from', raw: 'base-alpine:3.20' },
        ],
        tools: [
          { file: 'images/app/Dockerfile', line: 2, column: 1, via: 'copy-from', raw: 'tools' },
          { file: 'images/app/Dockerfile', line: 5, column: 1, via: 'mount-from', raw: 'tools' },
        ],
      },
      upstream: [
        {
          ref: 'docker.io/library/alpine:3.20',
          sites: [
            { file: 'images/app/Dockerfile', line: 6, column: 1, via: 'copy-from', raw: 'alpine:3.20' },
          ],
        },
        {
          ref: 'docker.io/library/golang:1.22',
          sites: [{ file: 'images/app/Dockerfile', line: 1, column: 1, via: 'from', raw: 'golang:1.22' }],
        },
      ],
    });
    expect(graph.images.get('tools')?.upstream).toEqual([]);
    // tools' last stage is scratch: that is what it stands on, whatever it copies.
    expect(graph.images.get('tools')?.base).toBe('');
  });

  it("records what the built stage stands on through its stage chain, not the last FROM's image", () => {
    // docker-stacks' foundation shape: the final stage is built on ubuntu through a stage; a tool image
    // that only serves a RUN --mount comes later in the file.
    const graph = graphOf({
      foundation: [
        'ARG ROOT_IMAGE=ubuntu:24.04',
        'FROM ${ROOT_IMAGE} AS root',
        'FROM mambaorg/micromamba:2 AS micromamba',
        'FROM root',
        'RUN --mount=type=bind,from=micromamba,source=/bin/micromamba,target=/m true',
      ].join('\n'),
      minimal: { text: 'FROM foundation AS build\nFROM alpine AS unused\n', target: 'build' },
    });
    expect(graph.images.get('foundation')?.base).toBe('docker.io/library/ubuntu:24.04');
    expect(graph.images.get('minimal')?.base).toBe('foundation');
  });

  it('substitutes build args before deciding what a FROM refers to', () => {
    const graph = graphOf({
      app: { text: 'ARG BASE=alpine:3.20\nFROM ${BASE}\n', args: { BASE: 'base:1' } },
      cli: 'ARG BASE=alpine:3.20\nFROM ${BASE}\n',
      base: { text: 'FROM debian:bookworm-slim\n', tags: ['1'] },
    });
    expect(graph.images.get('app')?.parents).toEqual(['base']);
    expect(graph.images.get('app')?.parentSites.base?.[0]?.raw).toBe('${BASE}');
    expect(graph.images.get('cli')?.upstream.map((u) => u.ref)).toEqual(['docker.io/library/alpine:3.20']);
  });

  it.each([
    ['the bare name', 'base'],
    ['the name with one of its tags', 'base:1.0'],
    ['the name with a digest', `base@${digest}`],
    ['the push registry and the name, any tag', 'registry.example.com/acme/base:9'],
  ])('recognises a parent written as %s', (_, written) => {
    const graph = graphOf(
      { app: `FROM ${written}\n`, base: { text: 'FROM alpine:3.20\n', tags: ['1.0'] } },
      { registry: 'registry.example.com/acme' },
    );
    expect(graph.images.get('app')?.parents).toEqual(['base']);
    expect(graph.images.get('app')?.upstream).toEqual([]);
  });

  it.each([
    ['a tag the image does not carry', 'registry:2', 'docker.io/library/registry:2'],
    ['docker.io spelled out', 'docker.io/library/registry', 'docker.io/library/registry:latest'],
  ])("keeps Docker Hub's image of the same name upstream: %s", (_, written, ref) => {
    // A team's own `registry` image is built FROM Docker Hub's registry:2; that is no cycle.
    const graph = graphOf({ registry: { text: `FROM ${written}\n`, tags: ['2.8'] } });
    expect(graph.images.get('registry')).toMatchObject({ parents: [], upstream: [{ ref }] });
  });

  it('keeps an image of another registry or namespace upstream, canonical and pinned as written', () => {
    const graph = graphOf(
      {
        app: `FROM registry.example.com/other/base:1\nCOPY --from=ghcr.io/acme/base@${digest} / /\n`,
        base: 'FROM alpine\n',
      },
      { registry: 'registry.example.com/acme' },
    );
    expect(graph.images.get('app')?.parents).toEqual([]);
    expect(graph.images.get('app')?.upstream.map((u) => u.ref)).toEqual([
      `ghcr.io/acme/base@${digest}`,
      'registry.example.com/other/base:1',
    ]);
    expect(graph.images.get('base')?.upstream.map((u) => u.ref)).toEqual(['docker.io/library/alpine:latest']);
  });

  it('gathers every use of the same upstream ref', () => {
    const graph = graphOf({ app: 'FROM alpine:3.20 AS a\nFROM docker.io/library/alpine:3.20\n' });
    expect(graph.images.get('app')?.upstream).toEqual([
      {
        ref: 'docker.io/library/alpine:3.20',
        sites: [
          expect.objectContaining({ line: 1, raw: 'alpine:3.20' }),
          expect.objectContaining({ line: 2, raw: 'docker.io/library/alpine:3.20' }),
        ],
      },
    ]);
  });

  it('builds the same graph whatever the order of the inputs', () => {
    const dockerfiles = {
      c: 'FROM a\n',
      b: 'FROM a\n',
      a: 'FROM alpine\n',
      d: 'FROM c\nCOPY --from=b / /\n',
    };
    const forward = graphOf(dockerfiles);
    const backward = graphOf(Object.fromEntries(Object.entries(dockerfiles).reverse()));
    expect(backward.order).toEqual(['a', 'b', 'c', 'd']);
    expect(backward).toEqual(forward);
  });

  it('reports an invalid reference where it is written, after substitution', () => {
    const error = thrown(() => graphOf({ app: 'ARG BASE=Alpine\nFROM \\\n  ${BASE}:3.20\n' }));
    expect(error.code).toBe('PINYARD_DOCKERFILE_INVALID');
    expect(error.located).toMatch(
      /^images\/app\/Dockerfile:3:3: invalid image reference "Alpine:3.20" \(from \$\{BASE\}:3.20\): .*lowercase/,
    );
    expect(error.hint).toBe(
      "the reference comes from ARG BASE: give it a value docker accepts in images.yml (images.app.args.BASE) or as the ARG's default",
    );
  });

  it("points an invalid reference made of an ARG default at the image's args (kubeflow's ARG BASE_IMG=<ubuntu>)", () => {
    const error = thrown(() => graphOf({ 'jupyter-base': 'ARG BASE_IMG=<ubuntu>\nFROM $BASE_IMG\n' }));
    expect(error.located).toMatch(
      /^images\/jupyter-base\/Dockerfile:2:6: invalid image reference "<ubuntu>" \(from \$BASE_IMG\)/,
    );
    expect(error.hint).toContain('images.jupyter-base.args.BASE_IMG');
  });

  it('keeps the generic hint for a reference written out in the FROM line', () => {
    const error = thrown(() => graphOf({ app: 'FROM Alpine:3.20\n' }));
    expect(error.hint).toContain('alpine:3.20');
  });

  it('reports every invalid reference at once', () => {
    const error = thrown(() => graphOf({ a: 'FROM Bad\n', b: 'FROM alpine\nCOPY --from=x:: / /\n' }));
    expect(error.position).toEqual({ file: 'images/a/Dockerfile', line: 1, column: 6 });
    expect(error.details.map((d) => d.position)).toEqual([
      { file: 'images/b/Dockerfile', line: 2, column: 13 },
    ]);
  });

  it('reports a cycle with the position of each edge', () => {
    const error = thrown(() =>
      graphOf({
        app: 'FROM alpine AS build\nFROM base\nCOPY --from=cli /cli /cli\n',
        cli: 'FROM app\n',
        base: 'FROM alpine\n',
      }),
    );
    expect(error.code).toBe('PINYARD_CYCLE');
    expect(error.message).toBe('dependency cycle: app → cli → app');
    expect(error.position).toEqual({ file: 'images/app/Dockerfile', line: 3, column: 1 });
    expect(error.details.map((d) => d.located)).toEqual([
      'images/app/Dockerfile:3:1: app COPY --from cli',
      'images/cli/Dockerfile:1:1: cli FROM app',
    ]);
    expect(error.exitCode).toBe(2);
  });

  it('reports an image built from itself as a cycle', () => {
    const error = thrown(() => graphOf({ app: 'FROM alpine\nRUN --mount=from=app,target=/x true\n' }));
    expect(error.message).toBe('dependency cycle: app → app');
    expect(error.details.map((d) => d.located)).toEqual([
      'images/app/Dockerfile:2:1: app RUN --mount from app',
    ]);
  });

  it('orders a graph of 2,000 images whatever the input order (speed: npm run bench -- plan)', () => {
    const dockerfile = (from: string) => ({
      file: 'Dockerfile',
      globalArgs: {},
      stages: [
        {
          stageIndex: 0,
          image: {
            raw: from,
            resolved: from,
            range: { start: { line: 1, column: 6 }, end: { line: 1, column: 6 } },
          },
          kind: 'image' as const,
          line: 1,
          column: 1,
        },
      ],
      copyFroms: [],
    });
    const inputs = Array.from({ length: 2000 }, (_, i) => ({
      name: `image-${i}`,
      dockerfile: dockerfile(i === 0 ? 'alpine:3.20' : `image-${Math.floor((i - 1) / 4)}:1`),
    }));
    const graph = buildImageGraph(inputs.reverse());
    expect(graph.order).toHaveLength(2000);
    expect(graph.order[0]).toBe('image-0');
  });
});
