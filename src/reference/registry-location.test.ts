import { describe, expect, it } from 'vitest';
import { parseRegistryLocation, type RegistryLocation } from './registry-location.js';

describe('parseRegistryLocation', () => {
  it.each<[string, RegistryLocation]>([
    ['registry.example.com/acme', { registry: 'registry.example.com', namespace: 'acme' }],
    ['registry.example.com', { registry: 'registry.example.com', namespace: '' }],
    ['localhost:5000', { registry: 'localhost:5000', namespace: '' }],
    ['localhost/team/images', { registry: 'localhost', namespace: 'team/images' }],
    ['127.0.0.1:5000/acme', { registry: '127.0.0.1:5000', namespace: 'acme' }],
    ['[::1]:5000/acme', { registry: '[::1]:5000', namespace: 'acme' }],
    ['myhost:5000/acme', { registry: 'myhost:5000', namespace: 'acme' }],
    ['index.docker.io/acme', { registry: 'docker.io', namespace: 'acme' }],
  ])('%s', (input, location) => {
    expect(parseRegistryLocation(input)).toEqual({ ok: true, location });
  });

  const form = 'write it as host[:port][/namespace], e.g. registry.example.com/acme or localhost:5000';
  it.each([
    ['', `the registry location is empty; ${form}`],
    ['acme/images', `'acme' is not a registry host (it needs a '.', a ':port' or to be localhost); ${form}`],
    [
      'myregistry',
      `'myregistry' is not a registry host (it needs a '.', a ':port' or to be localhost); ${form}`,
    ],
    [
      'https://registry.example.com/acme',
      `registry location 'https://registry.example.com/acme' has a URL scheme; ${form}`,
    ],
    ['registry.example.com/', "registry location 'registry.example.com/' ends with '/'"],
    ['registry.example.com/Acme', "repository name must be lowercase: 'Acme'"],
    ['registry.example.com/a//b', "empty path component in 'a//b'"],
    ['registry.example.com:http/acme', "registry port 'http' is not a number"],
  ])('%s is refused', (input, reason) => {
    expect(parseRegistryLocation(input)).toEqual({ ok: false, reason });
  });
});
