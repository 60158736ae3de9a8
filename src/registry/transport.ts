import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import pLimit, { type LimitFunction } from 'p-limit';
import { isLoopbackRegistry } from '../reference/index.js';
import { unreachableError } from './errors.js';
import { apiHostOf } from './hosts.js';
import {
  defaultRetryPolicy,
  isRetryableNetworkCode,
  isRetryableStatus,
  parseRetryAfter,
  type RetryPolicy,
  retryDelay,
} from './retry.js';

/**
 * HTTP for the registry client, on Node's fetch: scheme choice per host, per-attempt timeouts, bounded
 * retries, redirects followed by hand (so an Authorization header never reaches another origin), and a
 * concurrency limit per origin so a big tree does not hammer one registry.
 */

export interface TransportOptions {
  /** Hosts (host[:port]) that may be spoken to over plain HTTP. Loopback hosts always may. */
  insecureRegistries?: string[];
  /** Time allowed for each attempt until response headers arrive. Default 30 s. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Requests in flight per origin. Default 16. */
  concurrencyPerHost?: number;
  /** Told before each retry, e.g. to print "retrying in 2 s". Never given headers or bodies. */
  onRetry?: (event: RetryEvent) => void;
}

export interface RetryEvent {
  method: string;
  url: string;
  attempt: number;
  delayMs: number;
  reason: string;
}

/** A body that can be sent again (bytes, text) or only once (a stream: not retried, not redirected). */
export type RequestBody = Uint8Array | string | Readable;

export interface HttpRequest {
  method: string;
  /** Lower-case names: `authorization` is found by that name to drop it on a redirect to another origin. */
  headers?: Record<string, string>;
  body?: RequestBody;
}

const MAX_REDIRECTS = 10;
const redirectStatuses = new Set([301, 302, 303, 307, 308]);
const USER_AGENT = 'pinyard';

export class Transport {
  readonly #insecure: Set<string>;
  readonly #timeoutMs: number;
  readonly #policy: RetryPolicy;
  readonly #concurrency: number;
  readonly #onRetry: ((event: RetryEvent) => void) | undefined;
  readonly #limits = new Map<string, LimitFunction>();
  /** Chosen base URL per registry host, once its scheme is known. */
  readonly #origins = new Map<string, string>();

  constructor(options: TransportOptions = {}) {
    this.#insecure = new Set(options.insecureRegistries ?? []);
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#policy = { ...defaultRetryPolicy, ...options.retry };
    this.#concurrency = options.concurrencyPerHost ?? 16;
    this.#onRetry = options.onRetry;
  }

  /**
   * A request to a registry's API. Loopback hosts are spoken to over HTTP; insecure hosts over HTTPS
   * first, then HTTP when HTTPS cannot connect (as dockerd does); every other host over HTTPS only.
   */
  async request(host: string, path: string, init: HttpRequest): Promise<Response> {
    try {
      return await this.#request(host, path, init);
    } catch (e) {
      throw e instanceof NetworkFailure ? e.toPinyardError() : e;
    }
  }

  /** A request to an absolute URL (token realm, upload location, next page). */
  async fetch(url: string, init: HttpRequest): Promise<Response> {
    try {
      return await this.#follow(url, init);
    } catch (e) {
      throw e instanceof NetworkFailure ? e.toPinyardError() : e;
    }
  }

  /** The base URL `host`'s API answered at, once a request has reached it. */
  originOf(host: string): string | undefined {
    return this.#origins.get(host);
  }

  /** May credentials for `host`'s token service travel over plain HTTP? Only where the registry's own traffic may. */
  allowsPlainHttp(host: string): boolean {
    return isLoopbackRegistry(host) || this.#insecure.has(host);
  }

  async #request(host: string, path: string, init: HttpRequest): Promise<Response> {
    const known = this.#origins.get(host);
    if (known) return this.#follow(`${known}${path}`, init);
    const apiHost = apiHostOf(host);
    if (isLoopbackRegistry(host)) return this.#remember(host, `http://${apiHost}`, path, init);
    if (this.#insecure.has(host) && !(init.body instanceof Readable)) {
      try {
        return await this.#remember(host, `https://${apiHost}`, path, init);
      } catch (e) {
        if (!(e instanceof NetworkFailure)) throw e;
        return this.#remember(host, `http://${apiHost}`, path, init);
      }
    }
    return this.#remember(host, `https://${apiHost}`, path, init);
  }

  async #remember(host: string, origin: string, path: string, init: HttpRequest): Promise<Response> {
    const response = await this.#follow(`${origin}${path}`, init);
    this.#origins.set(host, origin);
    return response;
  }

  async #follow(url: string, init: HttpRequest): Promise<Response> {
    let current = new URL(url);
    let { method, body } = init;
    const headers = { ...init.headers };
    for (let hop = 0; ; hop++) {
      const response = await this.#withRetries(current, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
      });
      const location = response.headers.get('location');
      if (!redirectStatuses.has(response.status) || !location || hop === MAX_REDIRECTS) return response;
      await response.body?.cancel();
      const next = new URL(location, current);
      // Credentials are for the origin that asked for them; a blob redirected to storage must not get them.
      if (next.origin !== current.origin) delete headers.authorization;
      if (
        response.status === 303 ||
        ((response.status === 301 || response.status === 302) && method === 'POST')
      ) {
        method = 'GET';
        body = undefined;
      }
      if (body instanceof Readable) return response;
      current = next;
    }
  }

  async #withRetries(url: URL, init: HttpRequest): Promise<Response> {
    const replayable = !(init.body instanceof Readable);
    const limit = this.#limitFor(url.host);
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= this.#policy.maxAttempts || !replayable;
      let response: Response;
      try {
        response = await limit(() => this.#attempt(url, init));
      } catch (e) {
        if (!(e instanceof NetworkFailure) || last || !isRetryableNetworkCode(e.code)) throw e;
        await this.#pause(
          init.method,
          url,
          attempt,
          retryDelay(attempt, this.#policy, Math.random),
          e.detail,
        );
        continue;
      }
      if (last || !isRetryableStatus(response.status)) return response;
      const retryAfter = parseRetryAfter(response.headers.get('retry-after'), Date.now());
      if (retryAfter !== undefined && retryAfter > this.#policy.maxRetryAfterMs) return response;
      await response.body?.cancel();
      const delay = retryDelay(attempt, this.#policy, Math.random, retryAfter);
      await this.#pause(init.method, url, attempt, delay, `HTTP ${response.status}`);
    }
  }

  async #pause(method: string, url: URL, attempt: number, delayMs: number, reason: string): Promise<void> {
    this.#onRetry?.({ method, url: `${url.origin}${url.pathname}`, attempt, delayMs, reason });
    await sleep(delayMs);
  }

  async #attempt(url: URL, init: HttpRequest): Promise<Response> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.#timeoutMs);
    try {
      return await fetch(url, {
        method: init.method,
        headers: { 'user-agent': USER_AGENT, ...init.headers },
        redirect: 'manual',
        signal: controller.signal,
        ...bodyInit(init.body),
      });
    } catch (e) {
      throw NetworkFailure.from(url, e, controller.signal.aborted ? this.#timeoutMs : undefined);
    } finally {
      // Headers are in: from here undici's own body timeout guards a stalled download.
      clearTimeout(timer);
    }
  }

  #limitFor(origin: string): LimitFunction {
    let limit = this.#limits.get(origin);
    if (!limit) {
      limit = pLimit(this.#concurrency);
      this.#limits.set(origin, limit);
    }
    return limit;
  }
}

function bodyInit(body: RequestBody | undefined): RequestInit {
  if (body === undefined) return {};
  if (body instanceof Readable) {
    // fetch needs `duplex` for a streamed request body; the DOM typings do not know it yet.
    return { body: Readable.toWeb(body) as ReadableStream, duplex: 'half' } as RequestInit;
  }
  return { body };
}

/** A request that got no HTTP answer. Kept apart from PinyardError until retries and fallbacks are done. */
class NetworkFailure extends Error {
  constructor(
    readonly host: string,
    readonly code: string | undefined,
    readonly detail: string,
  ) {
    super(detail);
  }

  static from(url: URL, error: unknown, timedOutAfterMs: number | undefined): NetworkFailure {
    if (timedOutAfterMs !== undefined) {
      return new NetworkFailure(url.host, 'ETIMEDOUT', `no answer within ${timedOutAfterMs / 1000} s`);
    }
    const cause = rootCause(error);
    const code = cause.code;
    return new NetworkFailure(url.host, code, describe(code, cause.message));
  }

  toPinyardError() {
    return unreachableError(this.host, this.code, this.detail);
  }
}

function rootCause(error: unknown): { code?: string; message: string } {
  let current = error as { cause?: unknown; errors?: unknown[]; code?: string; message?: string } | undefined;
  // fetch wraps the socket error in `cause`; a host with several addresses wraps them in an AggregateError.
  while (current?.cause || (current?.errors?.length && !current.code)) {
    current = (current.cause ?? current.errors?.[0]) as typeof current;
  }
  return { ...(current?.code ? { code: current.code } : {}), message: current?.message ?? String(error) };
}

function describe(code: string | undefined, message: string): string {
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND') return 'unknown host';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection reset';
  if (code?.startsWith('ERR_SSL') || code?.includes('CERT')) return `TLS failed: ${message}`;
  // fetch refuses the Fetch standard's "bad ports" (6000, 6665-6669, 10080, …) without connecting.
  if (message === 'bad port')
    return 'fetch will not connect to this port (a Fetch standard "bad port"); use another';
  return message;
}
