import { describe, expect, it } from 'vitest';
import type { LockFile } from '../lock/index.js';
import { buildsBehind, placeState, shouldFail, upstreamVerdict } from './decide.js';
import type { StatusRow } from './types.js';

const d = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;

describe('placeState', () => {
  it.each([
    [{ built: d(1), here: d(1), herePinyard: true }, 'same'],
    [{ built: d(2), here: d(1), herePinyard: true }, 'behind'],
    [{ built: d(2), here: d(1), herePinyard: false }, 'other'],
    [{ built: d(2) }, 'absent'],
    [{ built: d(2), here: d(1) }, 'unknown'],
    [{ built: d(2), unreadable: true }, 'unknown'],
    [{ here: d(1), herePinyard: true }, 'other'],
  ] as const)('%j → %s', (input, state) => {
    expect(placeState(input)).toBe(state);
  });
});

describe('buildsBehind', () => {
  const history = [
    { digest: d(1), created: '2026-11-01T03:17:00Z' },
    { digest: d(3), created: '2026-11-03T03:17:00Z' },
    { digest: d(2), created: '2026-11-02T03:17:00Z' },
  ];
  it('counts the builds created after the environment’s, up to the built one', () => {
    expect(buildsBehind(history, d(3), d(1))).toBe(2);
    expect(buildsBehind(history, d(3), d(2))).toBe(1);
    expect(buildsBehind(history, d(2), d(1))).toBe(1);
  });
  it('does not tell when either digest has no content tag (pruned), or the environment is newer', () => {
    expect(buildsBehind(history, d(3), d(9))).toBeUndefined();
    expect(buildsBehind(history, d(9), d(1))).toBeUndefined();
    expect(buildsBehind(history, d(1), d(3))).toBeUndefined();
  });
});

describe('upstreamVerdict', () => {
  const lock: LockFile = {
    version: 1,
    upstream: {
      'docker.io/library/alpine:3.20': { digest: d(5), platforms: { 'linux/amd64': d(6) } },
      'docker.io/library/debian:bookworm@sha256:7777777777777777777777777777777777777777777777777777777777777777':
        {
          digest: d(7),
        },
    },
  };
  it('current when the lineage ends in the pinned index or one of its platforms', () => {
    expect(upstreamVerdict({ ref: 'docker.io/library/alpine:3.20', digest: d(5) }, lock)?.stale).toBe(false);
    expect(upstreamVerdict({ ref: 'docker.io/library/alpine:3.20', digest: d(6) }, lock)?.stale).toBe(false);
  });
  it('stale on another digest, naming what the lock pins; stale when the lock no longer pins the ref', () => {
    expect(upstreamVerdict({ ref: 'docker.io/library/alpine:3.20', digest: d(4) }, lock)).toEqual({
      ref: 'docker.io/library/alpine:3.20',
      digest: d(4),
      pinned: d(5),
      stale: true,
    });
    expect(upstreamVerdict({ ref: 'docker.io/library/alpine:3.19', digest: d(4) }, lock)).toEqual({
      ref: 'docker.io/library/alpine:3.19',
      digest: d(4),
      stale: true,
    });
  });
  it('a ref pinned in the Dockerfile is found under its locked key', () => {
    expect(upstreamVerdict({ ref: 'docker.io/library/debian:bookworm', digest: d(7) }, lock)?.stale).toBe(
      false,
    );
  });
  it('no lock, no verdict', () => {
    expect(
      upstreamVerdict({ ref: 'docker.io/library/alpine:3.20', digest: d(4) }, undefined),
    ).toBeUndefined();
  });
});

describe('shouldFail', () => {
  const row = (
    env: Partial<StatusRow['environments'][number]>,
    built: Partial<StatusRow['built']> = {},
  ): StatusRow => ({
    name: 'app',
    tag: '1.4',
    built: { reference: 'r/app:1.4', digest: d(2), ...built },
    environments: [{ environment: 'prod', reference: 'p/app:1.4', state: 'same', ...env }],
  });
  const staleUpstream = { ref: 'docker.io/library/alpine:3.20', digest: d(1), pinned: d(2), stale: true };
  it('never without --fail-on', () => {
    expect(shouldFail([row({ state: 'behind', upstream: staleUpstream })], [])).toBe(false);
  });
  it('behind fails --fail-on behind only; a stale lineage fails --fail-on stale only', () => {
    expect(shouldFail([row({ state: 'behind' })], ['behind'])).toBe(true);
    expect(shouldFail([row({ state: 'behind' })], ['stale'])).toBe(false);
    expect(shouldFail([row({ upstream: staleUpstream })], ['stale'])).toBe(true);
    expect(shouldFail([row({ upstream: staleUpstream })], ['behind'])).toBe(false);
    expect(shouldFail([row({}, { upstream: staleUpstream })], ['stale'])).toBe(true);
    expect(shouldFail([row({ state: 'other' }), row({ state: 'absent' })], ['behind', 'stale'])).toBe(false);
  });
  it('what could not be read fails any --fail-on: the check cannot pass unseen', () => {
    expect(shouldFail([row({ state: 'unknown', error: 'denied' })], ['stale'])).toBe(true);
  });
});
