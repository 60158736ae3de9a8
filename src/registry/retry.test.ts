import { describe, expect, it } from 'vitest';
import {
  defaultRetryPolicy,
  isRetryableNetworkCode,
  isRetryableStatus,
  parseRetryAfter,
  retryDelay,
} from './retry.js';

const now = Date.parse('2025-01-01T00:00:00Z');

describe('parseRetryAfter', () => {
  it.each([
    ['0', 0],
    ['3', 3000],
    [' 120 ', 120_000],
    ['Wed, 01 Jan 2025 00:00:30 GMT', 30_000],
    ['Tue, 31 Dec 2024 23:00:00 GMT', 0],
    ['soon', undefined],
    ['-1', undefined],
    ['', undefined],
    [null, undefined],
  ])('%s → %s ms', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});

describe('isRetryableStatus', () => {
  it.each([
    [408, true],
    [429, true],
    [500, true],
    [502, true],
    [503, true],
    [504, true],
    [501, false],
    [505, false],
    [400, false],
    [401, false],
    [403, false],
    [404, false],
  ])('%i → %s', (status, expected) => {
    expect(isRetryableStatus(status)).toBe(expected);
  });
});

describe('isRetryableNetworkCode', () => {
  it('retries resets and timeouts, not refused connections or unknown hosts', () => {
    expect(isRetryableNetworkCode('ECONNRESET')).toBe(true);
    expect(isRetryableNetworkCode('UND_ERR_SOCKET')).toBe(true);
    expect(isRetryableNetworkCode('ECONNREFUSED')).toBe(false);
    expect(isRetryableNetworkCode('ENOTFOUND')).toBe(false);
    expect(isRetryableNetworkCode(undefined)).toBe(false);
  });
});

describe('retryDelay', () => {
  const policy = { ...defaultRetryPolicy, baseDelayMs: 100, maxDelayMs: 1000 };

  it('doubles per failure between half and all of the ceiling, capped', () => {
    expect([1, 2, 3, 4, 5].map((n) => retryDelay(n, policy, () => 0))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((n) => retryDelay(n, policy, () => 1))).toEqual([100, 200, 400, 800, 1000]);
  });

  it("takes the server's Retry-After as it is", () => {
    expect(retryDelay(4, policy, () => 1, 0)).toBe(0);
    expect(retryDelay(1, policy, () => 1, 7000)).toBe(7000);
  });
});
