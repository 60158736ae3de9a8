import { describe, expect, it } from 'vitest';
import { sourcesFor } from './mirrors.js';

const alpine = { registry: 'docker.io', repository: 'library/alpine', tag: '3.20' };

describe('sourcesFor', () => {
  it('tries each mirror of the registry in order, then the registry itself', () => {
    expect(
      sourcesFor(alpine, { 'docker.io': ['mirror.example.com', 'https://cache.example.com:5000/hub/'] }),
    ).toEqual([
      { ref: { ...alpine, registry: 'mirror.example.com' }, name: 'mirror.example.com' },
      {
        ref: { ...alpine, registry: 'cache.example.com:5000', repository: 'hub/library/alpine' },
        name: 'cache.example.com:5000/hub',
      },
      { ref: alpine, name: 'docker.io' },
    ]);
  });

  it("matches Docker Hub's aliases as one registry", () => {
    expect(sourcesFor(alpine, { 'index.docker.io': ['m.example.com'] })[0]?.ref.registry).toBe(
      'm.example.com',
    );
  });

  it('goes straight to registries that have no mirror', () => {
    const ref = { registry: 'ghcr.io', repository: 'org/app', tag: '1' };
    expect(sourcesFor(ref, { 'docker.io': ['m.example.com'] })).toEqual([{ ref, name: 'ghcr.io' }]);
    expect(sourcesFor(ref, undefined)).toEqual([{ ref, name: 'ghcr.io' }]);
  });
});
