import { describe, expect, it } from 'vitest';
import { PinyardError } from '../../errors.js';
import { annotationPath } from './annotation-path.js';
import { errorAnnotations } from './error-annotations.js';

describe('annotationPath', () => {
  it.each([
    // pinyard ran in a subdirectory of the checkout: GitHub wants the path from the repository root.
    ['images.yml', '/w/repo/platform', '/w/repo', 'platform/images.yml'],
    ['images/app/Dockerfile', '/w/repo', '/w/repo', 'images/app/Dockerfile'],
    ['/w/repo/platform/images/app/Dockerfile', '/elsewhere', '/w/repo', 'platform/images/app/Dockerfile'],
    ['images.yml', '/w/repo', undefined, 'images.yml'],
  ])('%s from %s in workspace %s → %s', (file, cwd, workspace, expected) => {
    expect(annotationPath(file, { cwd, workspace })).toBe(expected);
  });
});

describe('errorAnnotations', () => {
  const where = { cwd: '/w/repo/platform', workspace: '/w/repo' };

  it('annotates each located detail of a manifest error on its own line', () => {
    const error = new PinyardError('PINYARD_MANIFEST_INVALID', 'images.yml has 2 problems', {
      hint: 'see the JSON schema in schema/images.schema.json',
      details: [
        new PinyardError(
          'PINYARD_MANIFEST_INVALID',
          'images.app.context: directory images/ap does not exist',
          {
            position: { file: 'images.yml', line: 14, column: 5 },
          },
        ),
        new PinyardError('PINYARD_MANIFEST_INVALID', 'images.cli.tags.0: quote it: "3.20"', {
          position: { file: 'images.yml', line: 16, column: 20 },
          hint: 'YAML reads 3.20 as the number 3.2',
        }),
      ],
    });
    expect(errorAnnotations(error, where)).toBe(
      [
        '::error file=platform/images.yml,line=14,col=5,title=pinyard%3A PINYARD_MANIFEST_INVALID::images.app.context: directory images/ap does not exist%0Ahint: see the JSON schema in schema/images.schema.json',
        '::error file=platform/images.yml,line=16,col=20,title=pinyard%3A PINYARD_MANIFEST_INVALID::images.cli.tags.0: quote it: "3.20"%0Ahint: YAML reads 3.20 as the number 3.2',
        '',
      ].join('\n'),
    );
  });

  it('annotates an error without a position too, so it shows on the run page', () => {
    const error = new PinyardError('PINYARD_DENIED', 'access denied: dev may not push acme/app', {
      hint: 'log in as an account that may push there',
    });
    expect(errorAnnotations(error, where)).toBe(
      '::error title=pinyard%3A PINYARD_DENIED::access denied: dev may not push acme/app%0Ahint: log in as an account that may push there\n',
    );
  });
});
