import { describe, expect, it } from 'vitest';
import { Redactor } from './redact.js';

// The shapes net alone: a Redactor that was told no secret still masks what looks like one.
describe('Redactor, credentials it was never told', () => {
  const redactor = new Redactor();
  const basic = Buffer.from('someone:else-entirely').toString('base64');

  it.each([
    ['a Basic value', `the helper sent Basic ${basic} back`, 'the helper sent Basic *** back'],
    ['a Bearer value', 'retrying with Bearer opaque0123456789', 'retrying with Bearer ***'],
    ['a quoted Authorization header', 'Authorization="Basic abc" ok', 'Authorization=*** ok'],
    ['a password query parameter', 'GET /token?password=p4ssw0rd&x=1', 'GET /token?password=***&x=1'],
    ['a refresh_token form field', 'refresh_token=opaque-refresh', 'refresh_token=***'],
  ])('masks %s', (_, text, expected) => {
    expect(redactor.redact(text)).toBe(expected);
  });

  it('leaves a short word after Basic alone: it is not a credential', () => {
    expect(redactor.redact('Basic auth realm')).toBe('Basic auth realm');
  });

  it('masks a secret it was told, then announces every later one to a listener before it is used', () => {
    const heard: string[] = [];
    const stop = redactor.onSecret((secret) => heard.push(secret));
    redactor.add('issued-opaque-token-1', undefined, 'abc');
    stop();
    redactor.add('issued-opaque-token-2');
    expect(heard).toEqual(['issued-opaque-token-1']);
    expect(redactor.redact('got issued-opaque-token-1 and issued-opaque-token-2 and abc')).toBe(
      'got *** and *** and abc',
    );
  });
});
