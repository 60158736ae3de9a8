import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { PinyardError } from '../errors.js';
import { digestMismatchError } from './errors.js';

/** Content digests (OCI image spec descriptor.md): sha256, and sha512 which the spec also registers. */
const algorithms: ReadonlySet<string> = new Set(['sha256', 'sha512']);

/** `algorithm` defaults to sha256, the algorithm of every digest pinyard writes. */
export function computeDigest(bytes: Uint8Array, algorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

/** Throws PINYARD_REGISTRY when `bytes` do not hash to `expected` (computed with `expected`'s algorithm). */
export function verifyDigest(bytes: Uint8Array, expected: string, what: string): void {
  const actual = computeDigest(bytes, algorithmOf(expected));
  if (actual !== expected) throw digestMismatchError(what, expected, actual);
}

/** A pass-through stream that fails at its end when what went through does not hash to `expected`. */
export function verifyingStream(expected: string, what: string): Transform {
  const hash = createHash(algorithmOf(expected));
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      const actual = `${algorithmOf(expected)}:${hash.digest('hex')}`;
      done(actual === expected ? null : digestMismatchError(what, expected, actual));
    },
  });
}

function algorithmOf(digest: string): string {
  const algorithm = digest.split(':')[0] ?? '';
  if (!algorithms.has(algorithm)) {
    throw new PinyardError('PINYARD_REGISTRY', `cannot verify ${digest}: unsupported digest algorithm`, {
      hint: 'pinyard verifies sha256 and sha512 digests only',
    });
  }
  return algorithm;
}
