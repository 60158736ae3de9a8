import { describe, expect, it } from 'vitest';
import { thrown } from '../../test/helpers/thrown.js';
import type { ProjectManifest } from '../manifest/index.js';
import { formatReference } from '../reference/index.js';
import { promotionRequests, requiredRefs, targetRefs } from './requests.js';

const digest = `sha256:${'a'.repeat(64)}`;

const manifest: Pick<ProjectManifest, 'registry' | 'environments' | 'images'> = {
  registry: 'registry.example.com/acme',
  environments: [
    { name: 'dev', registry: 'registry.example.com/acme', repository: '{name}' },
    { name: 'staging', registry: 'registry.example.com/acme', repository: 'staging/{name}' },
    { name: 'prod', registry: 'prod.example.com/acme', repository: '{name}', requires: 'staging' },
  ],
  images: ['app', 'cli', 'tools/lint'].map((name) => ({
    name,
    repository: name,
    context: `/p/images/${name}`,
    dockerfile: `/p/images/${name}/Dockerfile`,
    args: {},
    tags: ['1.4'],
  })),
};

const describeRequest = (images: string[], to: string, tags?: string[]) =>
  promotionRequests(manifest, { images, to, ...(tags ? { tags } : {}) }).map((r) => ({
    name: r.name,
    source: formatReference(r.source),
    targets: targetRefs(r).map(formatReference),
    required: requiredRefs(r).map(formatReference),
    strategy: r.strategy,
  }));

describe('promotionRequests', () => {
  it.each([
    {
      case: 'a tag to another repository of the same registry: mount',
      images: ['app:1.4'],
      to: 'staging',
      want: {
        name: 'app',
        source: 'registry.example.com/acme/app:1.4',
        targets: ['registry.example.com/acme/staging/app:1.4'],
        required: [],
        strategy: 'mount',
      },
    },
    {
      case: 'a tag to another registry that requires staging: copy, gated on the same tag',
      images: ['tools/lint:1.4'],
      to: 'prod',
      want: {
        name: 'tools/lint',
        source: 'registry.example.com/acme/tools/lint:1.4',
        targets: ['prod.example.com/acme/tools/lint:1.4'],
        required: ['registry.example.com/acme/staging/tools/lint:1.4'],
        strategy: 'copy',
      },
    },
    {
      case: 'a digest alone: the target and the gate are the digest',
      images: [`cli@${digest}`],
      to: 'prod',
      want: {
        name: 'cli',
        source: `registry.example.com/acme/cli@${digest}`,
        targets: [`prod.example.com/acme/cli@${digest}`],
        required: [`registry.example.com/acme/staging/cli@${digest}`],
        strategy: 'copy',
      },
    },
    {
      case: 'the same repository under other tags: a tag',
      images: ['app:1.4'],
      to: 'dev',
      tags: ['1.4.2', 'latest'],
      want: {
        name: 'app',
        source: 'registry.example.com/acme/app:1.4',
        targets: ['registry.example.com/acme/app:1.4.2', 'registry.example.com/acme/app:latest'],
        required: [],
        strategy: 'tag',
      },
    },
    {
      case: 'a tag and a digest: the digest is promoted, under the tag',
      images: [`app:1.4@${digest}`],
      to: 'staging',
      want: {
        name: 'app',
        source: `registry.example.com/acme/app:1.4@${digest}`,
        targets: ['registry.example.com/acme/staging/app:1.4'],
        required: [],
        strategy: 'mount',
      },
    },
  ])('resolves $case', ({ images, to, tags, want }) => {
    expect(describeRequest(images, to, tags)).toEqual([want]);
  });

  it('promotes several images at once, and the same one named twice once', () => {
    expect(describeRequest(['app:1.4', 'cli:1.4', 'app:1.4'], 'staging').map((r) => r.name)).toEqual([
      'app',
      'cli',
    ]);
  });

  it.each([
    {
      case: 'an unknown environment, with the likely one',
      images: ['app:1.4'],
      to: 'stagign',
      code: 'PINYARD_USAGE',
      message: 'environment "stagign" is not defined in images.yml (did you mean "staging"?)',
      hint: 'environments: dev, staging, prod',
    },
    {
      case: 'an image images.yml does not have',
      images: ['ap:1.4'],
      to: 'staging',
      code: 'PINYARD_UNKNOWN_IMAGE',
      message: 'unknown image "ap" (did you mean "app"?)',
      hint: 'images in images.yml: app, cli, tools/lint',
    },
    {
      case: 'an image without a tag or digest',
      images: ['app'],
      to: 'staging',
      code: 'PINYARD_USAGE',
      message: 'say which "app" to promote: "app" has no tag or digest',
      hint: 'name an image of images.yml with its tag or digest: app:1.4 or app@sha256:<64 hex>',
    },
    {
      case: 'a malformed reference',
      images: ['app:1.4@sha256:abc'],
      to: 'staging',
      code: 'PINYARD_BAD_REFERENCE',
      message: expect.stringMatching(/^"app:1.4@sha256:abc" is not an image to promote: /),
      hint: expect.any(String),
    },
    {
      case: 'two sources for one target tag',
      images: ['app:1.4', 'app:1.5'],
      to: 'staging',
      tags: ['stable'],
      code: 'PINYARD_USAGE',
      message:
        'registry.example.com/acme/app:1.4 and registry.example.com/acme/app:1.5 would both be promoted to registry.example.com/acme/staging/app:stable',
      hint: 'promote them one at a time, or give each its own --tag',
    },
    {
      case: 'an invalid --tag',
      images: ['app:1.4'],
      to: 'staging',
      tags: ['-rc'],
      code: 'PINYARD_USAGE',
      message: '--tag "-rc" is not a valid tag',
      hint: expect.any(String),
    },
  ])('refuses $case (exit 2)', ({ images, to, tags, code, message, hint }) => {
    const error = thrown(() => promotionRequests(manifest, { images, to, ...(tags ? { tags } : {}) }));
    expect({ code: error.code, message: error.message, hint: error.hint, exit: error.exitCode }).toEqual({
      code,
      message,
      hint,
      exit: 2,
    });
  });

  it('needs the registry the images were pushed to', () => {
    const { registry: _, ...local } = manifest;
    expect(thrown(() => promotionRequests(local, { images: ['app:1.4'], to: 'staging' })).message).toBe(
      'promote needs the registry the images were pushed to',
    );
  });
});
