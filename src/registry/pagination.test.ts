import { describe, expect, it } from 'vitest';
import { parseNextLink } from './pagination.js';

const page = 'http://127.0.0.1:5000/v2/_catalog?n=2';

describe('parseNextLink', () => {
  it.each([
    ['</v2/_catalog?last=b&n=2>; rel="next"', 'http://127.0.0.1:5000/v2/_catalog?last=b&n=2'],
    ['<https://other.example/v2/_catalog?last=b>; rel=next', 'https://other.example/v2/_catalog?last=b'],
    ['</v2/a?last=1>; rel="prev", </v2/a?last=9>; rel="next"', 'http://127.0.0.1:5000/v2/a?last=9'],
    ['</v2/a?last=9>; type="x"; rel="first next"', 'http://127.0.0.1:5000/v2/a?last=9'],
    ['</v2/a?last=1>; rel="prev"', undefined],
    ['', undefined],
    [null, undefined],
  ])('%s', (header, expected) => {
    expect(parseNextLink(header, page)).toBe(expected);
  });
});
