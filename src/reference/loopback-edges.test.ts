import { describe, expect, it } from 'vitest';
import { isLoopbackRegistry } from './loopback.js';

// Plain HTTP is allowed for loopback registries only: every spelling that merely looks close must be refused.
describe('isLoopbackRegistry, near misses', () => {
  it.each([
    ['[::1::1]', 'two elisions'],
    ['[::1', 'no closing bracket'],
    ['::1]', 'no opening bracket'],
    ['[0:0:0:0:0:0:0:0:1]', 'nine groups'],
    ['[0:0:0:0:0:0:1]', 'seven groups, no elision'],
    ['[::g1]', 'a group that is not hex'],
    ['[::00001]', 'a group of five digits'],
    ['[x::1]', 'a head group that is not hex'],
    ['[::1x]', 'a trailing letter'],
    ['[0:0:0:0:0:0:0:1:]', 'a trailing colon'],
    ['x127.0.0.1', 'a prefix before 127'],
    ['127.0.0.1234', 'a last octet of four digits'],
    ['127.0.0.1x:5000', 'a suffix after the address'],
    ['127.00.0.1.1', 'five octets'],
  ])('%s (%s) is not loopback', (registry) => {
    expect(isLoopbackRegistry(registry)).toBe(false);
  });

  it.each(['[0:0:0:0:0:0:0:1]', '[::0:1]', '[0::1]', '[0:0::0:1]', '[::1]:443', '[::0001]', '127.1.2.3:1'])(
    '%s is loopback',
    (registry) => {
      expect(isLoopbackRegistry(registry)).toBe(true);
    },
  );
});
