import { describe, expect, it } from 'vitest';
import { isLoopbackRegistry } from './loopback.js';

describe('isLoopbackRegistry', () => {
  it.each([
    ['localhost', true],
    ['localhost:5000', true],
    ['LOCALHOST:5000', true],
    ['127.0.0.1', true],
    ['127.0.0.1:5000', true],
    ['127.255.10.2:443', true],
    ['[::1]', true],
    ['[::1]:5000', true],
    ['[0:0:0:0:0:0:0:1]:5000', true],
    ['[0000::0001]', true],
    ['127.0.0.256:5000', false],
    ['127.0.0', false],
    ['128.0.0.1', false],
    ['10.0.0.1:5000', false],
    ['localhost.example.com', false],
    ['127.0.0.1.example.com', false],
    ['[::2]:5000', false],
    ['[1::1]', false],
    ['[::]', false],
    ['[1:2:3:4:5:6:7::1]', false],
    ['docker.io', false],
    ['registry.example.com:5000', false],
  ])('%s → %s', (registry, loopback) => {
    expect(isLoopbackRegistry(registry)).toBe(loopback);
  });
});
