import { describe, expect, it } from 'vitest';
import { Redactor } from './redact.js';

describe('Redactor', () => {
  const redactor = new Redactor();
  redactor.add('hunter2-password', 'alice:hunter2-password', 'opaque-refresh-token', 'pw');

  it.each([
    ['a known password', 'login failed for hunter2-password', 'login failed for ***'],
    [
      'its base64 user:password form',
      `sent ${Buffer.from('alice:hunter2-password').toString('base64')}`,
      'sent ***',
    ],
    ['a URL-encoded secret', 'refresh_token=opaque-refresh-token&x=1', 'refresh_token=***&x=1'],
    ['an Authorization header', 'authorization: Bearer abc.def.ghi', 'authorization: ***'],
    [
      'a bearer value of any token',
      'sent Bearer 0123456789abcdef to the registry',
      'sent Bearer *** to the registry',
    ],
    ['a JWT anywhere', 'token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln expired', 'token *** expired'],
    [
      'user-info in a URL',
      'GET https://bob:s3cret@registry.example.com/v2/',
      'GET https://***@registry.example.com/v2/',
    ],
    ['a JSON token field', '{"token":"unknown-to-us","expires_in":60}', '{"token":"***","expires_in":60}'],
  ])('masks %s', (_, text, expected) => {
    expect(redactor.redact(text)).toBe(expected);
  });

  it.each([
    'access denied: account "reader" may not push 127.0.0.1:5000/team/app (pw policy)',
    'check the username and password or token: docker login 127.0.0.1:5000',
    'the token service 127.0.0.1:9 for r.example.com rejected the credentials of account "dev"',
  ])('leaves ordinary text and too-short "secrets" alone: %s', (text) => {
    expect(redactor.redact(text)).toBe(text);
  });
});
