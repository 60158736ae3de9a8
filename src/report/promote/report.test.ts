import { describe, expect, it } from 'vitest';
import { formatBytes, type ImageResult, type PromoteReport, renderReport } from './report.js';

const digest = `sha256:${'a'.repeat(64)}`;
const image = (fields: Partial<ImageResult>): ImageResult => ({
  name: 'app',
  source: 'r.example.com/acme/app:1.4',
  digest,
  targets: ['r.example.com/acme/staging/app:1.4'],
  status: 'promoted',
  strategy: 'mount',
  blobs: { mounted: 4, copied: 1, skipped: 0 },
  bytes: 2_345_678,
  manifests: 3,
  durationMs: 412,
  ...fields,
});
const report = (images: ImageResult[], fields: Partial<PromoteReport> = {}): PromoteReport => ({
  version: 1,
  environment: 'staging',
  dryRun: false,
  status: 'succeeded',
  images,
  access: [],
  durationMs: 500,
  ...fields,
});

describe('renderReport', () => {
  it.each([
    {
      case: 'a mount',
      image: image({}),
      line: `promoted app: r.example.com/acme/app:1.4@${digest} → r.example.com/acme/staging/app:1.4 (mount: blobs 4 mounted, 1 copied; 2.3 MB sent; 3 manifests, 0.41 s)`,
    },
    {
      case: 'a copy to another registry',
      image: image({
        targets: ['prod.example.com/acme/app:1.4', 'prod.example.com/acme/app:stable'],
        strategy: 'copy',
        blobs: { mounted: 0, copied: 2, skipped: 3 },
        bytes: 999,
        manifests: 4,
      }),
      line: `promoted app: r.example.com/acme/app:1.4@${digest} → prod.example.com/acme/app:1.4, prod.example.com/acme/app:stable (copy: blobs 2 copied, 3 skipped; 999 B sent; 4 manifests, 0.41 s)`,
    },
    {
      case: 'a tag on the same repository',
      image: image({ targets: ['r.example.com/acme/app:latest'], strategy: 'tag', manifests: 1 }),
      line: `promoted app: r.example.com/acme/app:1.4@${digest} → r.example.com/acme/app:latest (same repository: 1 manifest, 0.41 s)`,
    },
    {
      case: 'a digest already promoted',
      image: image({
        source: `r.example.com/acme/app@${digest}`,
        targets: [`r.example.com/acme/staging/app@${digest}`],
        status: 'unchanged',
      }),
      line: `unchanged app: r.example.com/acme/app@${digest} → r.example.com/acme/staging/app@${digest} (already there, 0.41 s)`,
    },
  ])('says in one line what $case moved, how and how long', ({ image, line }) => {
    expect(renderReport(report([image]))).toBe(`${line}\n`);
  });

  it('shows a dry run’s plan and the permissions each registry granted', () => {
    const text = renderReport(
      report([image({ status: 'planned', strategy: 'copy', blobs: { mounted: 0, copied: 3, skipped: 1 } })], {
        dryRun: true,
        access: [
          {
            registry: 'r.example.com',
            repository: 'acme/app',
            actions: ['pull'],
            account: 'dev',
            status: 'granted',
            missing: [],
          },
          {
            registry: 'prod.example.com',
            repository: 'acme/app',
            actions: ['pull', 'push'],
            account: 'dev',
            status: 'denied',
            missing: ['push'],
          },
          {
            registry: 'other.example.com',
            repository: 'app',
            actions: ['pull', 'push'],
            account: 'anonymous',
            status: 'unverified',
            missing: [],
          },
        ],
      }),
    );
    expect(text.split('\n')).toEqual([
      `would promote app: r.example.com/acme/app:1.4@${digest} → r.example.com/acme/staging/app:1.4 (copy: blobs 3 to copy, 1 already there; 2.3 MB to send; 3 manifests to write)`,
      'access:',
      '  pull on r.example.com/acme/app: granted to "dev"',
      '  pull,push on prod.example.com/acme/app: push denied to "dev"',
      '  pull,push on other.example.com/app: not known before writing (the registry answers per request), as anonymous access',
      '',
    ]);
  });

  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1_500, '1.5 kB'],
    [4_200_000, '4.2 MB'],
    [3_000_000_000, '3.00 GB'],
  ])('writes %i bytes as %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
