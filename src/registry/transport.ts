import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import pLimit, { type LimitFunction } from 'p-limit';
import { apiHostOf } from '../credentials/hosts.js';
import { PinyardError } from '../errors.js';
import { isLoopbackRegistry } from '../reference/index.js';
import { printable } from '../text/printable.js';
import { safe, unreachableError } from './errors.js';
import { DEFAULT_MAX_BODY_BYTES, MAX_ERROR_BYTES } from './limits.js';
import {
  defaultRetryPolicy,
  isRetryableNetworkCode,
  isRetryableStatus,
  parseRetryAfter,
  type RetryPolicy,
  retryDelay,
} from './retry.js';

/**
 * HTTP for the registry client, on node:http(s): one keep-alive connection pool per origin for the whole run,
 * scheme choice per host, one deadline per attempt that covers the body too, bounded bodies, bounded
 * retries, a host that is down remembered, and redirects followed by hand so that credentials and request
 * bodies never reach another origin.
 */

export interface TransportOptions {
  /** Hosts (host[:port]) that may be spoken to over plain HTTP. Loopback hosts always may. */
  insecureRegistries?: string[];
  /**
   * One deadline per attempt: connecting, the response's headers and its whole body. A body handed over as
   * a stream (a blob) instead gets this long between two chunks. Default 30 s.
   */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Requests in flight, and so connections open, per origin. Default 10. */
  concurrencyPerHost?: number;
  /** Told before each retry, e.g. to print "retrying in 2 s". Never given headers or bodies. */
  onRetry?: (event: RetryEvent) => void;
  /** How host names resolve; default the system's. Tests point a made-up name at loopback with it. */
  lookup?: LookupFunction;
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
  /** The most a successful answer's body may hold; a larger one is refused. Default 64 KiB. */
  maxBodyBytes?: number;
  /** Hand a successful answer's body over as a stream (a blob) instead of reading it. */
  stream?: boolean;
}

/**
 * A registry's answer. Its body has been read already (bounded), so the connection is back in its pool,
 * unless the request asked for a stream and the answer succeeded.
 */
export class RegistryResponse {
  constructor(
    readonly status: number,
    /** Where the answer came from, after redirects. */
    readonly url: string,
    readonly headers: ResponseHeaders,
    readonly bytes: Uint8Array,
    readonly stream?: Readable,
  ) {}

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  text(): string {
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength).toString('utf8');
  }
}

const MAX_REDIRECTS = 10;
const redirectStatuses = new Set([301, 302, 303, 307, 308]);
const USER_AGENT = 'pinyard';
/** An attempt that times out costs a whole deadline: one more try, not four, before the host counts as down. */
const MAX_TIMED_OUT_ATTEMPTS = 2;
/** Failures that say the host is not there at all, as opposed to one request going wrong. */
const hostDownCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT']);

export class Transport {
  readonly #insecure: Set<string>;
  readonly #timeoutMs: number;
  readonly #policy: RetryPolicy;
  readonly #concurrency: number;
  readonly #onRetry: ((event: RetryEvent) => void) | undefined;
  /**
   * Keep-alive pools, one per origin inside each agent. node:http rather than fetch or undici: both close
   * the connection after every HEAD (undici does so on purpose, for servers that send a body with a
   * HEAD), and a no-change build is mostly HEADs.
   */
  readonly #agents: { 'http:': http.Agent; 'https:': https.Agent };
  readonly #lookup: LookupFunction | undefined;
  readonly #limits = new Map<string, LimitFunction>();
  /** Chosen base URL per registry host, once its scheme is known. */
  readonly #origins = new Map<string, string>();
  /** Origins that could not be reached: every later request to them fails at once, for the whole run. */
  readonly #down = new Map<string, NetworkFailure>();

  constructor(options: TransportOptions = {}) {
    this.#insecure = new Set(options.insecureRegistries ?? []);
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#policy = { ...defaultRetryPolicy, ...options.retry };
    this.#concurrency = options.concurrencyPerHost ?? 10;
    this.#onRetry = options.onRetry;
    // At most `concurrency` connections per origin, kept open between requests; an idle socket is
    // unref'd by the agent, so it never keeps the process alive.
    const pool = { keepAlive: true, maxSockets: this.#concurrency, scheduling: 'lifo' as const };
    this.#agents = { 'http:': new http.Agent(pool), 'https:': new https.Agent(pool) };
    this.#lookup = options.lookup;
  }

  /**
   * A request to a registry's API. Loopback hosts are spoken to over HTTP; insecure hosts over HTTPS
   * first, then HTTP when HTTPS cannot connect (as dockerd does); every other host over HTTPS only.
   */
  async request(host: string, path: string, init: HttpRequest): Promise<RegistryResponse> {
    try {
      return await this.#request(host, path, init);
    } catch (e) {
      throw e instanceof NetworkFailure ? e.toPinyardError() : e;
    }
  }

  /** A request to an absolute URL (token realm, upload location, next page). */
  async fetch(url: string, init: HttpRequest): Promise<RegistryResponse> {
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

  /** May `host` (host[:port], a registry's or a token service's) be spoken to over plain HTTP? */
  allowsPlainHttp(host: string): boolean {
    return isLoopbackRegistry(host) || this.#insecure.has(host);
  }

  /** Closes every pooled connection. */
  close(): void {
    this.#agents['http:'].destroy();
    this.#agents['https:'].destroy();
  }

  async #request(host: string, path: string, init: HttpRequest): Promise<RegistryResponse> {
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

  async #remember(host: string, origin: string, path: string, init: HttpRequest): Promise<RegistryResponse> {
    const response = await this.#follow(`${origin}${path}`, init);
    this.#origins.set(host, origin);
    return response;
  }

  /**
   * Redirects, by hand. Authorization is dropped on the way to another origin (a blob sent to storage); a
   * request body (a refresh token, a manifest) is never sent to another origin, and nothing follows a
   * redirect to plain HTTP unless that host may be spoken to in plain HTTP: the redirect itself is the
   * answer then.
   */
  async #follow(url: string, init: HttpRequest): Promise<RegistryResponse> {
    let current = new URL(url);
    let { method, body } = init;
    const headers = { ...init.headers };
    for (let hop = 0; ; hop++) {
      const response = await this.#withRetries(current, {
        ...init,
        method,
        headers,
        ...(body === undefined ? {} : { body }),
      });
      const location = response.headers.get('location');
      if (!redirectStatuses.has(response.status) || !location || hop === MAX_REDIRECTS) return response;
      let next: URL;
      try {
        next = new URL(location, current);
      } catch {
        return response;
      }
      if (next.protocol !== 'https:' && next.protocol !== 'http:') return response;
      if (next.protocol === 'http:' && !this.allowsPlainHttp(next.host)) return response;
      const crossOrigin = next.origin !== current.origin;
      if (crossOrigin) delete headers.authorization;
      if (
        response.status === 303 ||
        ((response.status === 301 || response.status === 302) && method === 'POST')
      ) {
        method = 'GET';
        body = undefined;
        delete headers['content-type'];
        delete headers['content-length'];
      }
      if (body !== undefined && (crossOrigin || body instanceof Readable)) return response;
      current = next;
    }
  }

  async #withRetries(url: URL, init: HttpRequest): Promise<RegistryResponse> {
    const down = this.#down.get(url.origin);
    if (down) throw down;
    const replayable = !(init.body instanceof Readable);
    const limit = this.#limitFor(url.origin);
    let timeouts = 0;
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= this.#policy.maxAttempts || !replayable;
      let response: RegistryResponse;
      try {
        response = await limit(() => this.#attempt(url, init));
      } catch (e) {
        if (!(e instanceof NetworkFailure)) throw e;
        if (e.code === 'ETIMEDOUT') timeouts++;
        if (last || !isRetryableNetworkCode(e.code) || timeouts >= MAX_TIMED_OUT_ATTEMPTS) {
          if (replayable || hostDownCodes.has(e.code ?? '')) this.#down.set(url.origin, e);
          throw e;
        }
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
      response.stream?.destroy();
      const delay = retryDelay(attempt, this.#policy, Math.random, retryAfter);
      await this.#pause(init.method, url, attempt, delay, `HTTP ${response.status}`);
    }
  }

  async #pause(method: string, url: URL, attempt: number, delayMs: number, reason: string): Promise<void> {
    this.#onRetry?.({
      method,
      url: safe(`${url.origin}${url.pathname}`),
      attempt,
      delayMs,
      reason: printable(reason),
    });
    await sleep(delayMs);
  }

  /**
   * One request and, unless streamed, its whole answer, within one deadline. A streamed upload (a blob
   * of any size) is bounded by the time it may go without progress instead, and its answer by the deadline.
   */
  async #attempt(url: URL, init: HttpRequest): Promise<RegistryResponse> {
    const controller = new AbortController();
    const deadline = () => setTimeout(() => controller.abort(), this.#timeoutMs);
    const upload = init.body instanceof Readable;
    let timer = upload ? undefined : deadline();
    try {
      const answer = await this.#send(url, init, controller.signal, upload);
      timer ??= deadline();
      const status = answer.statusCode ?? 0;
      const headers = toHeaders(answer.headersDistinct);
      const ok = status >= 200 && status < 300;
      if (ok && init.stream) {
        // From here the gap between two chunks is bounded instead: a blob may rightly take long.
        clearTimeout(timer);
        const stream = guardStream(answer, url, this.#timeoutMs);
        return new RegistryResponse(status, url.toString(), headers, new Uint8Array(), stream);
      }
      const bytes = await readBounded(answer, headers, url, {
        limit: ok ? (init.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES) : MAX_ERROR_BYTES,
        // An error body is only read for its first messages: cut it, do not fail on it.
        truncate: !ok,
        method: init.method,
      });
      return new RegistryResponse(status, url.toString(), headers, bytes);
    } catch (e) {
      if (e instanceof PinyardError) throw e;
      throw NetworkFailure.from(url, e, controller.signal.aborted ? this.#timeoutMs : undefined);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends the request; resolves with the response once its headers are in. */
  #send(url: URL, init: HttpRequest, signal: AbortSignal, idleLimit: boolean): Promise<IncomingMessage> {
    const secure = url.protocol === 'https:';
    return new Promise<IncomingMessage>((resolve, reject) => {
      const request = (secure ? https : http).request(
        url,
        {
          method: init.method,
          headers: { 'user-agent': USER_AGENT, ...init.headers },
          agent: this.#agents[secure ? 'https:' : 'http:'],
          signal,
          ...(this.#lookup ? { lookup: this.#lookup } : {}),
        },
        resolve,
      );
      request.on('error', reject);
      if (idleLimit) {
        request.setTimeout(this.#timeoutMs, () => {
          const stalled = `no progress for ${this.#timeoutMs / 1000} s`;
          request.destroy(Object.assign(new Error(stalled), { code: 'ETIMEDOUT' }));
        });
      }
      const { body } = init;
      if (body instanceof Readable) {
        body.on('error', (e) => request.destroy(e));
        body.pipe(request);
      } else {
        request.end(body);
      }
    });
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

/**
 * A response's headers, looked up by name as with fetch's Headers: the values of a repeated header joined
 * with ", ". Hand-written rather than the global Headers, whose first use loads Node's bundled undici
 * (about 30 ms of compiling at start-up, in every command that speaks to a registry).
 */
export class ResponseHeaders {
  readonly #values = new Map<string, string[]>();

  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const values = this.#values.get(key);
    if (values) values.push(value);
    else this.#values.set(key, [value]);
  }

  get(name: string): string | null {
    return this.#values.get(name.toLowerCase())?.join(', ') ?? null;
  }

  has(name: string): boolean {
    return this.#values.has(name.toLowerCase());
  }
}

/** A header name (an RFC 9110 token) and a value without NUL, CR or LF: what fetch's Headers accepts. */
const headerName = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const forbiddenInValue = /[\0\r\n]/;

function toHeaders(raw: Record<string, string[] | undefined>): ResponseHeaders {
  const headers = new ResponseHeaders();
  for (const [name, value] of Object.entries(raw)) {
    // A header with a control character in it is dropped, as fetch's Headers would: nothing trusts it.
    if (value === undefined || !headerName.test(name) || value.some((one) => forbiddenInValue.test(one)))
      continue;
    for (const one of value) headers.append(name, one.trim());
  }
  return headers;
}

/**
 * The body, refused (or, for error bodies, cut) past `limit` bytes: by its Content-Length before reading,
 * and by counting while it streams in, for a server that sends no length or lies about it.
 */
async function readBounded(
  body: Readable,
  headers: ResponseHeaders,
  url: URL,
  { limit, truncate, method }: { limit: number; truncate: boolean; method: string },
): Promise<Uint8Array> {
  // A HEAD's Content-Length is the size of what a GET would send: there is no body to refuse.
  const declared = method === 'HEAD' ? 0 : Number(headers.get('content-length') ?? Number.NaN);
  if (!truncate && Number.isFinite(declared) && declared > limit) {
    body.destroy();
    throw tooLarge(url, limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    if (size + chunk.length > limit) {
      if (!truncate) throw tooLarge(url, limit);
      chunks.push(chunk.subarray(0, limit - size));
      size = limit;
      // Leaving the loop destroys the body: its connection is closed rather than drained.
      break;
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return Buffer.concat(chunks, size);
}

function tooLarge(url: URL, limit: number): PinyardError {
  return new PinyardError(
    'PINYARD_REGISTRY',
    safe(
      `${url.host} answered ${url.pathname} with more than ${formatBytes(limit)}; pinyard refuses to read it`,
    ),
    { hint: 'the server is not behaving like a registry, or something in between rewrote its answer' },
  );
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MiB` : `${bytes / 1024} KiB`;
}

/**
 * A streamed body whose failures are PINYARD_UNREACHABLE, that fails when no data came for `idleMs`, and
 * that frees its connection when dropped.
 */
function guardStream(body: IncomingMessage, url: URL, idleMs: number): Readable {
  const out = new PassThrough();
  const fail = (e: unknown, timedOut?: number) =>
    out.destroy(NetworkFailure.from(url, e, timedOut).toPinyardError());
  const stalled = new Error('no data');
  const idle = setTimeout(() => body.destroy(stalled), idleMs).unref();
  body.on('data', () => idle.refresh());
  body.on('close', () => clearTimeout(idle));
  body.on('error', (e) => fail(e, e === stalled ? idleMs : undefined));
  // A body that ends short of its Content-Length is a dropped connection, not an end.
  body.on('aborted', () => fail(Object.assign(new Error('connection reset'), { code: 'ECONNRESET' })));
  out.on('close', () => {
    clearTimeout(idle);
    if (!body.complete) body.destroy();
  });
  body.pipe(out);
  return out;
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
  // A socket error may be wrapped in `cause`; a host with several addresses wraps them in an AggregateError.
  while (current?.cause || (current?.errors?.length && !current.code)) {
    current = (current.cause ?? current.errors?.[0]) as typeof current;
  }
  return { ...(current?.code ? { code: current.code } : {}), message: current?.message ?? String(error) };
}

function describe(code: string | undefined, message: string): string {
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND') return 'unknown host';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection reset';
  if (code === 'EPROTO' || code?.startsWith('ERR_SSL') || code?.includes('CERT'))
    return `TLS failed: ${message}`;
  return message;
}
