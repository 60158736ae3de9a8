import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { PinyardError } from '../errors.js';
import { computeDigest, verifyDigest, verifyingStream } from './digest.js';

const hello = new TextEncoder().encode('hello');
const helloSha256 = 'sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824';

describe('digests', () => {
  it('computes sha256 by default, and sha512 when asked', () => {
    expect(computeDigest(hello)).toBe(helloSha256);
    expect(computeDigest(hello, 'sha512')).toMatch(/^sha512:[a-f0-9]{128}$/);
  });

  it('accepts matching bytes and refuses others, naming both digests', () => {
    expect(() => verifyDigest(hello, helloSha256, 'reading blob')).not.toThrow();
    expect(() => verifyDigest(new TextEncoder().encode('hellO'), helloSha256, 'reading blob')).toThrow(
      expect.objectContaining({
        code: 'PINYARD_REGISTRY',
        message: expect.stringMatching(
          /^reading blob: content does not match its digest \(expected sha256:2cf2.*, got sha256:/,
        ),
      }),
    );
  });

  it('refuses an algorithm it cannot check instead of trusting it', () => {
    expect(() => verifyDigest(hello, `md5:${'a'.repeat(32)}`, 'x')).toThrow(PinyardError);
  });

  it('passes a stream through and fails at its end when the content was not what the digest says', async () => {
    const collected: Buffer[] = [];
    const sink = async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) collected.push(chunk);
    };
    await pipeline(
      Readable.from([Buffer.from('hel'), Buffer.from('lo')]),
      verifyingStream(helloSha256, 'blob'),
      sink,
    );
    expect(Buffer.concat(collected).toString()).toBe('hello');

    await expect(
      pipeline(Readable.from([Buffer.from('bye')]), verifyingStream(helloSha256, 'blob'), sink),
    ).rejects.toMatchObject({ code: 'PINYARD_REGISTRY' });
  });
});
