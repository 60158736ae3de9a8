import { describe, expect, it } from 'vitest';
import { failedStepPosition, stepNumber, stepPosition } from './dockerfile-steps.js';

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

// BuildKit numbers per stage: FROM of an image is step 1, then ADD, COPY, RUN and WORKDIR only.
const stages = [
  'ARG BASE=alpine:3.20', //                 1: no step
  'FROM ${BASE} AS build', //                2: [build 1/4]
  'ENV CGO_ENABLED=0', //                    3: no step
  'WORKDIR /src', //                         4: [build 2/4]
  'COPY . .', //                             5: [build 3/4]
  'RUN --mount=type=cache,target=/c make', // 6: [build 4/4]
  'FROM scratch', //                         7: stage-1, scratch is no step
  'COPY --from=build /out /out', //          8: [stage-1 1/1]
  'FROM build AS test', //                   9: an earlier stage is no step
  'USER app', //                            10: no step
  'RUN make test', //                       11: [test 1/1]
  '',
].join('\n');

describe('failedStepPosition with BuildKit steps', () => {
  it.each([
    ['[build 1/4] FROM docker.io/library/alpine:3.20@sha256:…', { line: 2, column: 1 }],
    ['[build 2/4] WORKDIR /src', { line: 4, column: 1 }],
    ['[build  4/4] RUN --mount=type=cache,target=/c make', { line: 6, column: 1 }],
    ['[stage-1 1/1] COPY --from=build /out /out', { line: 8, column: 1 }],
    ['[test 1/1] RUN make test', { line: 11, column: 1 }],
    ['[nope 1/1] RUN make test', undefined],
    ['[build 9/9] RUN x', undefined],
  ])('%s is at %j', (step, position) => {
    expect(failedStepPosition(stages, step)).toEqual(position);
  });

  it('finds a one-stage Dockerfile’s steps, which BuildKit names without a stage', () => {
    const one = 'FROM alpine\nLABEL a=b\nRUN echo one\nRUN exit 3\n';
    expect(failedStepPosition(one, '[3/3] RUN exit 3')).toEqual({ line: 4, column: 1 });
    expect(failedStepPosition(one, 'step 4/4 RUN exit 3')).toEqual({ line: 4, column: 1 });
  });
});
