import { formatCreated, formatSize, plural } from './format.js';
import type { InspectResult, LineageStep } from './types.js';

/** `registry inspect` as a labelled list: the manifest, the config of one platform, lineage, where it is. */
export function renderInspect(r: InspectResult): string {
  const out: Array<[string, string | string[]]> = [
    ['reference', r.reference],
    ['digest', r.digest],
    ['type', `${r.kind} (${r.mediaType})`],
    [
      'size',
      `${formatSize(r.size)}${r.kind === 'index' ? ` in ${plural(r.platforms.length, 'platform')}` : ''}`,
    ],
  ];
  if (r.kind === 'index') {
    out.push([
      'platforms',
      r.platforms.map((p) => `${(p.platform ?? '?').padEnd(16)} ${p.digest}  ${formatSize(p.size)}`),
    ]);
  }
  const c = r.config;
  if (c) {
    if (r.kind === 'index') out.push(['config of', `${c.platform ?? '?'} (${c.digest})`]);
    else if (c.platform) out.push(['platform', c.platform]);
    out.push(['created', formatCreated(c.created)]);
    if (c.entrypoint) out.push(['entrypoint', JSON.stringify(c.entrypoint)]);
    if (c.cmd) out.push(['cmd', JSON.stringify(c.cmd)]);
    if (c.user) out.push(['user', c.user]);
    if (c.workingDir) out.push(['workdir', c.workingDir]);
    if (c.exposedPorts.length) out.push(['ports', c.exposedPorts.join(', ')]);
    if (c.env.length) out.push(['env', c.env]);
    const labels = Object.entries(c.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (labels.length) out.push(['labels', labels.map(([k, v]) => `${k}=${v}`)]);
  }
  out.push(['lineage', r.lineage.length ? lineageLines(r.lineage) : 'no base recorded (no base.name label)']);
  out.push(['tags', r.tags.length ? r.tags.join(', ') : 'none in this repository']);
  if (r.environments.length) {
    out.push([
      'environments',
      r.environments.map(
        (e) => `${e.environment}: ${e.problem ? `cannot tell: ${e.problem}` : e.references.join(', ')}`,
      ),
    ]);
  }
  const width = Math.max(...out.map(([label]) => label.length)) + 2;
  return `${out
    .flatMap(([label, value]) =>
      (Array.isArray(value) ? value : [value]).map(
        (line, i) => `${(i === 0 ? label : '').padEnd(width)}${line}`,
      ),
    )
    .join('\n')}\n`;
}

const endings: Record<NonNullable<LineageStep['end']>, string> = {
  upstream: ' (upstream)',
  'not-found': ' (not in the registry any more)',
  denied: ' (not readable with these credentials)',
};

/** `built from base-alpine@sha256:…`, then `from docker.io/library/alpine:3.20@sha256:… (upstream)`. */
function lineageLines(steps: LineageStep[]): string[] {
  return steps.map(
    (s, i) =>
      `${'  '.repeat(i)}${i === 0 ? 'built from' : 'from'} ${s.name}@${s.digest}${s.end ? endings[s.end] : ''}`,
  );
}
