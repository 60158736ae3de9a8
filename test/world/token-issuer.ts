import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Access, type Account, grant, parseScopes } from './acl.js';
import type { SigningCert } from './certs.js';
import { signJwt } from './jwt.js';

/** One request to the issuer, for tests of token caching and scope merging. Never holds a password. */
export interface TokenLogEntry {
  /** 1-based position in the log: take the length before an action and look at what came after. */
  seq: number;
  /** `get`: the docker token flow; `password` / `refresh_token`: the OAuth2 POST flow. */
  flow: 'get' | 'password' | 'refresh_token';
  /** Who asked; null for anonymous (or an unknown refresh token). */
  user: string | null;
  /** The scopes as sent, one string per scope. */
  scopes: string[];
  /** What the token grants; null when the issuer refused (status 401 or 400). */
  granted: Access[] | null;
  status: number;
}

export interface IssuerAccount {
  password: string;
  account: Exclude<Account, 'anonymous'>;
}

export interface TokenIssuer {
  /** `http://127.0.0.1:PORT/auth` */
  realm: string;
  /** `http://127.0.0.1:PORT/_log` answers the request log as JSON. */
  logUrl: string;
  stop(): Promise<void>;
}

const expiresIn = 300;

/**
 * A docker_auth stand-in: `GET /auth` (Basic credentials or none) and the OAuth2 `POST /auth` form flow that
 * docker uses with identity tokens, signing RS256 JWTs the token registry trusts through `cert`.
 */
export async function startTokenIssuer(options: {
  service: string;
  issuer: string;
  cert: SigningCert;
  accounts: Record<string, IssuerAccount>;
}): Promise<TokenIssuer> {
  const log: TokenLogEntry[] = [];
  /** refresh token → user name */
  const refreshTokens = new Map<string, string>();

  const record = (entry: Omit<TokenLogEntry, 'seq'>) => log.push({ seq: log.length + 1, ...entry });

  const tokenFor = (user: string | null, scopes: string[]) => {
    const account: Account = user === null ? 'anonymous' : (options.accounts[user]?.account ?? 'anonymous');
    const access = grant(account, parseScopes(scopes));
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: options.issuer,
      sub: user ?? '',
      aud: options.service,
      exp: now + expiresIn,
      nbf: now,
      iat: now,
      jti: randomUUID(),
      access,
    };
    return { token: signJwt({ x5c: options.cert.x5c }, claims, options.cert.keyPem), access };
  };

  const authenticate = (user: string, password: string) => options.accounts[user]?.password === password;

  const handleGet = (req: IncomingMessage, url: URL, res: ServerResponse) => {
    const scopes = url.searchParams.getAll('scope');
    const header = req.headers.authorization;
    const basic = parseBasic(header);
    if (header !== undefined && !(basic && authenticate(basic.user, basic.password))) {
      record({ flow: 'get', user: basic?.user ?? null, scopes, granted: null, status: 401 });
      return unauthorized(res);
    }
    const { token, access } = tokenFor(basic?.user ?? null, scopes);
    record({ flow: 'get', user: basic?.user ?? null, scopes, granted: access, status: 200 });
    json(res, 200, {
      token,
      access_token: token,
      expires_in: expiresIn,
      issued_at: new Date().toISOString(),
    });
  };

  const handlePost = async (req: IncomingMessage, res: ServerResponse) => {
    const form = new URLSearchParams(await readBody(req));
    const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
    const grantType = form.get('grant_type');
    let user: string | null = null;
    if (grantType === 'password') {
      user = form.get('username') ?? '';
      if (!authenticate(user, form.get('password') ?? '')) {
        record({ flow: 'password', user, scopes, granted: null, status: 401 });
        return json(res, 401, { error: 'invalid_grant', error_description: 'wrong user name or password' });
      }
    } else if (grantType === 'refresh_token') {
      user = refreshTokens.get(form.get('refresh_token') ?? '') ?? null;
      if (user === null) {
        record({ flow: 'refresh_token', user, scopes, granted: null, status: 401 });
        return json(res, 401, { error: 'invalid_grant', error_description: 'unknown refresh token' });
      }
    } else {
      return json(res, 400, { error: 'unsupported_grant_type' });
    }
    const { token, access } = tokenFor(user, scopes);
    record({ flow: grantType, user, scopes, granted: access, status: 200 });
    let refresh: string | undefined;
    if (form.get('access_type') === 'offline') {
      refresh =
        grantType === 'refresh_token'
          ? (form.get('refresh_token') ?? '')
          : randomBytes(24).toString('base64url');
      refreshTokens.set(refresh, user);
    }
    json(res, 200, {
      access_token: token,
      token,
      expires_in: expiresIn,
      issued_at: new Date().toISOString(),
      scope: access.map((a) => `${a.type}:${a.name}:${a.actions.join(',')}`).join(' '),
      ...(refresh ? { refresh_token: refresh } : {}),
    });
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://issuer');
    if (url.pathname === '/auth' && req.method === 'GET') return handleGet(req, url, res);
    if (url.pathname === '/auth' && req.method === 'POST') {
      return void handlePost(req, res).catch(() => json(res, 400, { error: 'invalid_request' }));
    }
    if (url.pathname === '/_log' && req.method === 'GET') return json(res, 200, log);
    json(res, 404, { error: 'not_found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;

  return {
    realm: `${base}/auth`,
    logUrl: `${base}/_log`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function parseBasic(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function unauthorized(res: ServerResponse): void {
  res.setHeader('WWW-Authenticate', 'Basic realm="pinyard test issuer"');
  json(res, 401, { details: 'wrong user name or password' });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
