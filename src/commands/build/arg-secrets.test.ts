import { describe, expect, it } from 'vitest';
import { imageConfig } from '../../../test/helpers/image-config.js';
import { Redactor } from '../../credentials/redact.js';
import { parseDockerfile } from '../../dockerfile/index.js';
import { secretArgValues } from './arg-secrets.js';

const image = (args: Record<string, string>) => imageConfig('app', { args });

describe('secretArgValues', () => {
  it('takes every build arg value, except those that fill a FROM line', () => {
    const args = { NPM_TOKEN: 'npm_abcdef123456', ALPINE: '3.20', BASE: 'debian', FLAVOUR: 'slim' };
    const text =
      'ARG ALPINE\nARG BASE\nARG FLAVOUR\nFROM alpine:${ALPINE}\nFROM $BASE:bookworm-${FLAVOUR:-x}\nARG NPM_TOKEN\nRUN echo "$NPM_TOKEN"\n';
    const parsed = parseDockerfile(text, { file: 'Dockerfile', args });
    expect(secretArgValues(image(args), parsed)).toEqual(['npm_abcdef123456']);
  });

  it('are masked wherever they show up once added to the redactor', () => {
    const redactor = new Redactor();
    redactor.add(...secretArgValues(image({ NPM_TOKEN: 'npm_abcdef123456' }), undefined));
    expect(redactor.redact('//registry.npmjs.org/:_authToken=npm_abcdef123456')).toBe(
      '//registry.npmjs.org/:_authToken=***',
    );
  });
});
