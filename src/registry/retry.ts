/** When and how long to wait before trying a request again. Pure: the transport supplies clock and dice. */

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this (Docker Hub's pull limit says hours) fails at once instead of hanging. */
  maxRetryAfterMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 200,
  maxDelayMs: 10_000,
  maxRetryAfterMs: 60_000,
};

/** 408, 429 and 5xx are worth repeating; 501 and 505 say the server will never do it. */
export function isRetryableStatus(status: number): boolean {
  return (
    status === 408 || status === 429 || (status >= 500 && status <= 599 && status !== 501 && status !== 505)
  );
}

/**
 * Socket-level failures that a second attempt may not meet. Refused connections and unknown hosts are
 * not among them: a registry that is down or misspelt should fail fast with a clear message.
 */
const transientNetworkCodes = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

export function isRetryableNetworkCode(code: string | undefined): boolean {
  return code !== undefined && transientNetworkCodes.has(code);
}

/** Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Milliseconds from `now`, or undefined. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP-date names its weekday; Date.parse alone would take '-1' for a year.
  if (!/^[a-z]{3,9},/i.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Delay before attempt `failures + 1`: the server's Retry-After when it sent one, else exponential
 * backoff with "equal jitter" (half fixed, half random) so that parallel requests do not retry in step.
 */
export function retryDelay(
  failures: number,
  policy: RetryPolicy,
  random: () => number,
  retryAfterMs?: number,
): number {
  if (retryAfterMs !== undefined) return retryAfterMs;
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failures - 1));
  return ceiling / 2 + random() * (ceiling / 2);
}
