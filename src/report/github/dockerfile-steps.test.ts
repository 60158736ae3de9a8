import { describe, expect, it } from 'vitest';
import { stepNumber, stepPosition } from './dockerfile-steps.js';

// Numbered the way the classic builder prints them: `Step N/7 : …`.
const dockerfile = [
  '# syntax=docker/dockerfile:1', // 1: a parser directive, not a step
  'ARG GO_VERSION=1.23', //          2: step 1, an ARG before the first FROM counts
  '', //                             3
  'FROM golang:${GO_VERSION} AS build', // 4: step 2
  '# build the binary', //           5: a comment, not a step
  'RUN go build \\', //              6: step 3, continued on the next line
  '    -o /out/app .', //            7
  'FROM base-alpine', //             8: step 4
  '  COPY --from=build /out/app /usr/local/bin/app', // 9: step 5, indented
  'USER app', //                     10: step 6
  'CMD ["app"]', //                  11: step 7
  '',
].join('\n');

describe('stepPosition', () => {
  it.each([
    [1, { line: 2, column: 1 }],
    [2, { line: 4, column: 1 }],
    [3, { line: 6, column: 1 }],
    [4, { line: 8, column: 1 }],
    [5, { line: 9, column: 3 }],
    [7, { line: 11, column: 1 }],
    [8, undefined],
    [0, undefined],
  ])('step %i is at %j', (step, position) => {
    expect(stepPosition(dockerfile, step)).toEqual(position);
  });
});

describe('stepNumber', () => {
  it.each([
    ['step 3/7 RUN go build -o /out/app .', 3],
    ['step 12/40 COPY . .', 12],
    ['Step 8/13 : RUN echo boom && exit 3', 8],
    [undefined, undefined],
    ['the build', undefined],
  ])('%j → %j', (step, number) => {
    expect(stepNumber(step)).toBe(number);
  });
});
