import { describe, expect, it } from 'vitest';
import type { ImageGraph } from '../graph/index.js';
import { formatReference, type Reference } from '../reference/index.js';
import { resolveUpstream, type UpstreamResolver } from './resolve.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const graph: ImageGraph = { images: new Map(), order: [] };

/** A registry in a table: ref → current digest; records what was asked. */
function fakeResolver(current: Record<string, string>) {
  const calls: string[] = [];
  const resolver: UpstreamResolver = {
    async resolve(ref: Reference, options) {
      const key = formatReference(ref);
      calls.push(`${options.platforms ? 'GET' : 'HEAD'} ${key}`);
      const digest = current[key]!;
      return options.platforms
        ? { digest, platforms: [{ os: 'linux', architecture: 'amd64', digest: d('f') }] }
        : { digest };
    },
  };
  return { resolver, calls };
}

describe('resolveUpstream', () => {
  it('fetches a new ref once, checks a pinned one with a HEAD and keeps it when it did not move', async () => {
    const { resolver, calls } = fakeResolver({
      'docker.io/library/new:1': d('a'),
      'docker.io/library/same:1': d('b'),
      'docker.io/library/moved:1': d('c'),
    });
    const lock = {
      version: 1 as const,
      upstream: {
        'docker.io/library/same:1': { digest: d('b'), platforms: { 'linux/amd64': d('e') } },
        'docker.io/library/moved:1': { digest: d('0') },
      },
    };
    const refs = ['docker.io/library/new:1', 'docker.io/library/same:1', 'docker.io/library/moved:1'];
    const pins = await resolveUpstream(refs, { graph, lock, resolver, mirrors: {} });
    expect(calls.sort()).toEqual([
      'GET docker.io/library/moved:1',
      'GET docker.io/library/new:1',
      'HEAD docker.io/library/moved:1',
      'HEAD docker.io/library/same:1',
    ]);
    expect(pins.get('docker.io/library/same:1')).toBe(lock.upstream['docker.io/library/same:1']);
    expect(pins.get('docker.io/library/moved:1')).toEqual({
      digest: d('c'),
      platforms: { 'linux/amd64': d('f') },
    });
  });
});
