import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rememberedRealpath } from './real-path.js';

/** A context reached through a symlink, a Dockerfile, a Dockerfile that links out, a link that dangles. */
function tree() {
  const root = realpathSync.native(mkdtempSync(path.join(tmpdir(), 'pinyard-real-path-')));
  mkdirSync(path.join(root, 'real', 'app'), { recursive: true });
  mkdirSync(path.join(root, 'outside'));
  writeFileSync(path.join(root, 'real', 'app', 'Dockerfile'), 'FROM alpine\n');
  writeFileSync(path.join(root, 'outside', 'Dockerfile'), 'FROM alpine\n');
  symlinkSync(path.join(root, 'real'), path.join(root, 'linked'));
  symlinkSync(path.join(root, 'outside', 'Dockerfile'), path.join(root, 'real', 'app', 'Linked.Dockerfile'));
  symlinkSync(path.join(root, 'nowhere'), path.join(root, 'real', 'app', 'Dangling.Dockerfile'));
  return root;
}

describe('rememberedRealpath', () => {
  it('resolves like realpathSync.native, whether or not the directory was resolved first', () => {
    const root = tree();
    const paths = [
      path.join(root, 'linked', 'app'),
      path.join(root, 'linked', 'app', 'Dockerfile'),
      path.join(root, 'linked', 'app', 'Linked.Dockerfile'),
      path.join(root, 'linked', 'app', '.'),
    ];
    const directoryFirst = rememberedRealpath();
    const fileFirst = rememberedRealpath();
    const expected = paths.map((p) => realpathSync.native(p));
    expect(paths.map(directoryFirst)).toEqual(expected);
    expect([...paths].reverse().map(fileFirst).reverse()).toEqual(expected);
    expect(directoryFirst(path.join(root, 'linked', 'app', 'Dockerfile'))).toBe(
      path.join(root, 'real', 'app', 'Dockerfile'),
    );
    expect(directoryFirst(path.join(root, 'linked', 'app', 'Linked.Dockerfile'))).toBe(
      path.join(root, 'outside', 'Dockerfile'),
    );
  });

  it('gives undefined for what does not resolve: a missing file, a dangling link, a missing directory', () => {
    const root = tree();
    const realpath = rememberedRealpath();
    realpath(path.join(root, 'linked', 'app'));
    expect(realpath(path.join(root, 'linked', 'app', 'Missing'))).toBeUndefined();
    expect(realpath(path.join(root, 'linked', 'app', 'Dangling.Dockerfile'))).toBeUndefined();
    expect(realpath(path.join(root, 'gone'))).toBeUndefined();
    expect(realpath(path.join(root, 'gone', 'Dockerfile'))).toBeUndefined();
    expect(realpath(path.join(root, 'linked', 'app', 'Dockerfile', 'x'))).toBeUndefined();
  });
});
