// The bound of a no-change `build --push` (bench/no-change.ts): a bare Node start, pull tokens for every
// repository, then a HEAD of every content tag and human tag, 8 at a time over one keep-alive pool. No
// parsing, no hashing, no checks: what any tool asking the registry the same questions must at least pay.
// Plain JavaScript run by `node` itself, so it starts as fast as Node can. Exits 1 if any HEAD fails.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';

const job = JSON.parse(readFileSync(process.argv[2], 'utf8'));
/** { origin: "http(s)://host:port", realm, service, authorization, refs: [[repository, tag], …] } */
const { origin, realm, service, authorization, refs } = job;
const client = origin.startsWith('https:') ? https : http;
const pool = new client.Agent({ keepAlive: true, maxSockets: 8 });
const tokenPool = new http.Agent({ keepAlive: true, maxSockets: 8 });
const accept = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

function request(url, options, agent) {
  return new Promise((resolve, reject) => {
    const req = (url.startsWith('https:') ? https : http).request(url, { ...options, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

// One token per 25 repositories, all at once (the token service is not behind the delay).
const repositories = [...new Set(refs.map(([repository]) => repository))];
const batches = [];
for (let i = 0; i < repositories.length; i += 25) batches.push(repositories.slice(i, i + 25));
const tokenOf = new Map();
await Promise.all(
  batches.map(async (batch) => {
    const url = new URL(realm);
    url.searchParams.set('service', service);
    for (const repository of batch) url.searchParams.append('scope', `repository:${repository}:pull`);
    const res = await request(url.href, { headers: { authorization } }, tokenPool);
    if (res.status !== 200) throw new Error(`token: ${res.status}`);
    const { token } = JSON.parse(res.body.toString());
    for (const repository of batch) tokenOf.set(repository, token);
  }),
);
const answers = await Promise.all(
  refs.map(([repository, tag]) =>
    request(
      `${origin}/v2/${repository}/manifests/${tag}`,
      { method: 'HEAD', headers: { authorization: `Bearer ${tokenOf.get(repository)}`, accept } },
      pool,
    ),
  ),
);
const failed = answers.filter((a) => a.status !== 200 || !a.headers['docker-content-digest']);
if (failed.length > 0) {
  console.error(`${failed.length} HEADs failed (first: ${failed[0].status})`);
  process.exit(1);
}
pool.destroy();
tokenPool.destroy();
