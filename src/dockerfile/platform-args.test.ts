import { describe, expect, it } from 'vitest';
import { buildPlatforms, hostPlatform, platformArgValues } from './platform-args.js';

describe('hostPlatform', () => {
  it.each([
    ['x64', undefined, 'linux/amd64'],
    ['arm64', undefined, 'linux/arm64'],
    ['arm', '6', 'linux/arm/v6'],
    ['arm', undefined, 'linux/arm/v7'],
    ['ia32', undefined, 'linux/386'],
    ['ppc64', undefined, 'linux/ppc64le'],
    ['s390x', undefined, 'linux/s390x'],
  ])('names Node arch %s (arm_version %s) the way docker does: %s', (arch, armVersion, platform) => {
    expect(hostPlatform(arch, armVersion)).toBe(platform);
  });
});

describe('platformArgValues', () => {
  it('splits each platform into the ARGs docker predefines, a missing variant empty', () => {
    expect(platformArgValues({ target: 'linux/arm/v7', build: 'linux/amd64' })).toEqual({
      TARGETPLATFORM: 'linux/arm/v7',
      TARGETOS: 'linux',
      TARGETARCH: 'arm',
      TARGETVARIANT: 'v7',
      BUILDPLATFORM: 'linux/amd64',
      BUILDOS: 'linux',
      BUILDARCH: 'amd64',
      BUILDVARIANT: '',
    });
  });

  it("targets the image's own platform when it has one, else the build platform", () => {
    expect(buildPlatforms('linux/arm64', 'linux/amd64')).toEqual({
      target: 'linux/arm64',
      build: 'linux/amd64',
    });
    expect(buildPlatforms(undefined, 'linux/amd64')).toEqual({ target: 'linux/amd64', build: 'linux/amd64' });
  });
});
