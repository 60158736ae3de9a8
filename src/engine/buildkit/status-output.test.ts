import { describe, expect, it } from 'vitest';
import type { BuildStep } from '../types.js';
import { StatusResponse } from './protos.js';
import { StatusOutput } from './status-output.js';

/** A `moby.buildkit.trace` message as dockerd sends it: a StatusResponse, protobuf, base64. */
function trace(status: Record<string, unknown>) {
  const bytes = StatusResponse.encode(StatusResponse.fromObject(status)).finish();
  return { id: 'moby.buildkit.trace', aux: Buffer.from(bytes).toString('base64') } as never;
}
const now = { seconds: 1_700_000_000, nanos: 0 };

function follow() {
  const steps: BuildStep[] = [];
  const lines: string[] = [];
  const output = new StatusOutput({ onStep: (s) => steps.push(s), onLine: (l) => lines.push(l) });
  return { output, steps, lines };
}

describe('StatusOutput', () => {
  it('announces each step as it starts, marks cached ones, and decodes every log line', () => {
    const { output, steps, lines } = follow();
    output.accept(
      trace({
        vertexes: [{ digest: 'sha256:a', name: '[internal] load remote build context', started: now }],
      }),
    );
    output.accept(
      trace({
        vertexes: [
          {
            digest: 'sha256:b',
            name: '[build 1/3] FROM docker.io/library/alpine@sha256:x',
            cached: true,
            started: now,
            completed: now,
          },
        ],
      }),
    );
    output.accept(trace({ vertexes: [{ digest: 'sha256:c', name: '[build 2/3] RUN make', started: now }] }));
    output.accept(
      trace({
        logs: [{ vertex: 'sha256:c', stream: 1, msg: Buffer.from('compiling\nlinking'), timestamp: now }],
      }),
    );
    output.accept(
      trace({
        logs: [
          {
            vertex: 'sha256:c',
            stream: 1,
            msg: Buffer.from(' done\n\u001b[31mred\u001b[0m\n'),
            timestamp: now,
          },
        ],
      }),
    );
    output.accept({ id: 'moby.image.id', aux: { ID: 'sha256:feed' } } as never);
    output.end();
    expect(steps).toEqual([
      {
        number: 1,
        total: 3,
        instruction: 'FROM docker.io/library/alpine@sha256:x',
        stage: 'build',
        cached: true,
      },
      { number: 2, total: 3, instruction: 'RUN make', stage: 'build' },
    ]);
    expect(lines).toEqual([
      '[internal] load remote build context',
      'CACHED [build 1/3] FROM docker.io/library/alpine@sha256:x',
      '[build 2/3] RUN make',
      'compiling',
      'linking done',
      'red',
    ]);
    expect(output.imageId).toBe('sha256:feed');
    expect(output.error).toBeUndefined();
  });

  it('blames the failing Dockerfile step, not a missing cache source, and keeps its last lines', () => {
    const { output, lines } = follow();
    output.accept(
      trace({
        vertexes: [
          {
            digest: 'sha256:m',
            name: 'importing cache manifest from r/app:1',
            started: now,
            completed: now,
            error: 'r/app:1: not found',
          },
        ],
      }),
    );
    output.accept(trace({ vertexes: [{ digest: 'sha256:r', name: '[2/2] RUN exit 3', started: now }] }));
    output.accept(
      trace({ logs: [{ vertex: 'sha256:r', stream: 2, msg: Buffer.from('boom\n'), timestamp: now }] }),
    );
    output.accept(
      trace({
        vertexes: [
          {
            digest: 'sha256:r',
            name: '[2/2] RUN exit 3',
            started: now,
            completed: now,
            error: 'exit code: 3',
          },
        ],
      }),
    );
    output.accept({
      errorDetail: { message: 'executor failed running [/bin/sh -c exit 3]: exit code: 3' },
    } as never);
    expect(output.step).toMatchObject({ number: 2, total: 2, stage: '', instruction: 'RUN exit 3' });
    expect(output.lastLines).toEqual(['boom']);
    expect(output.error).toBe('executor failed running [/bin/sh -c exit 3]: exit code: 3');
    expect(lines).toContain('no cache: importing cache manifest from r/app:1: r/app:1: not found');
  });

  it('ignores an aux that is not a StatusResponse', () => {
    const { output, lines } = follow();
    output.accept({ id: 'moby.buildkit.trace', aux: '!!!not protobuf!!!' } as never);
    expect(lines).toEqual([]);
  });
});
