import { describe, expect, it } from 'vitest';
import type { StatusRow } from '../../status/index.js';
import { renderStatus, statusMarkdown } from './render.js';

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const rows: StatusRow[] = [
  {
    name: 'app',
    tag: '1.4',
    built: { reference: 'r.example/acme/app:1.4', digest: digest('a') },
    environments: [
      {
        environment: 'staging',
        reference: 'r.example/acme/staging/app:1.4',
        digest: digest('a'),
        state: 'same',
      },
      {
        environment: 'prod',
        reference: 'p.example/acme/app:1.4',
        digest: digest('b'),
        state: 'behind',
        buildsBehind: 2,
        upstream: {
          ref: 'docker.io/library/alpine:3.20',
          digest: digest('c'),
          pinned: digest('d'),
          stale: true,
        },
      },
    ],
  },
  {
    name: 'cli',
    tag: '1.4',
    built: { reference: 'r.example/acme/cli:1.4' },
    environments: [
      { environment: 'staging', reference: 'r.example/acme/staging/cli:1.4', state: 'absent' },
      {
        environment: 'prod',
        reference: 'p.example/acme/cli:1.4',
        state: 'unknown',
        error: 'access to p.example/acme/cli denied',
      },
    ],
  },
];

describe('renderStatus', () => {
  it('one row per image and tag, then the stale lineages and what could not be read', () => {
    expect(renderStatus({ environments: ['staging', 'prod'], rows, untagged: ['db-dev'] })).toBe(
      [
        'image:tag  registry             staging  prod',
        'app:1.4    sha256:aaaaaaaaaaaa  =        behind 2, stale upstream',
        'cli:1.4    -                    -        ?',
        '',
        'stale upstream (built on an upstream digest images.lock no longer pins):',
        '  prod app:1.4 is built on docker.io/library/alpine:3.20@sha256:cccccccccccc (images.lock pins sha256:dddddddddddd)',
        '',
        'could not read:',
        '  prod p.example/acme/cli:1.4: access to p.example/acme/cli denied',
        '',
        'no human tags to compare: db-dev',
        '',
      ].join('\n'),
    );
  });

  it('writes the job summary as a Markdown table', () => {
    const markdown = statusMarkdown({ environments: ['staging', 'prod'], rows, untagged: [] });
    expect(markdown).toContain(
      '| image:tag | registry | staging | prod |\n|---|---|---|---|\n| `app:1.4` | `sha256:aaaaaaaaaaaa` | = | behind 2, stale upstream |\n| `cli:1.4` | - | - | ? |',
    );
    expect(markdown).toContain(
      '- prod `app:1.4` is built on `docker.io/library/alpine:3.20@sha256:cccccccccccc`; images.lock pins `sha256:dddddddddddd`',
    );
  });
});
