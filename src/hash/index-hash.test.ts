import { describe, expect, it } from 'vitest';
import { indexHash } from './index-hash.js';

const amd = { platform: 'linux/amd64', hash: 'sha256:aa' };
const arm = { platform: 'linux/arm64', hash: 'sha256:bb' };

describe('indexHash', () => {
  it('depends on the platform list and each platform’s hash, not on their order', () => {
    expect(indexHash([amd, arm])).toBe(indexHash([arm, amd]));
    expect(indexHash([amd, arm])).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(indexHash([amd])).not.toBe(indexHash([amd, arm]));
    expect(indexHash([amd, { ...arm, hash: 'sha256:cc' }])).not.toBe(indexHash([amd, arm]));
    expect(indexHash([{ ...amd, platform: 'linux/386' }, arm])).not.toBe(indexHash([amd, arm]));
  });
});
