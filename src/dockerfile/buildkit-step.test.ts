import { describe, expect, it } from 'vitest';
import { parseBuildKitStep } from './buildkit-step.js';

describe('parseBuildKitStep', () => {
  it.each([
    ['[stage-1  3/12] COPY . .', { stage: 'stage-1', number: 3, total: 12, instruction: 'COPY . .' }],
    ['[linux/arm64 build 2/5] RUN make', { stage: 'build', number: 2, total: 5, instruction: 'RUN make' }],
    ['[ 3/12] COPY . .', { stage: '', number: 3, total: 12, instruction: 'COPY . .' }],
  ])('%s', (name, step) => {
    expect(parseBuildKitStep(name)).toEqual({ ...step, cached: false });
  });

  it('reads a step printed as reused from the cache', () => {
    expect(parseBuildKitStep('CACHED [base 2/5] RUN x')).toEqual({
      stage: 'base',
      number: 2,
      total: 5,
      instruction: 'RUN x',
      cached: true,
    });
  });

  it.each([
    '[internal] load metadata for docker.io/library/alpine:3.20',
    'exporting to image',
    'step 3/7 RUN x',
    undefined,
  ])('%s is no step', (name) => {
    expect(parseBuildKitStep(name)).toBeUndefined();
  });
});
