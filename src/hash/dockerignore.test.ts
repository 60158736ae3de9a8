import { describe, expect, it } from 'vitest';
import { ContextFilter, parseDockerignore } from './dockerignore.js';

const filter = (text: string) => new ContextFilter(parseDockerignore(text));

describe('parseDockerignore', () => {
  it('drops comments and blank lines, trims, and cleans paths the way docker does', () => {
    const text =
      '\uFEFF# comment\n\n  node_modules/  \r\n/build\n./src//gen/\n!  keep.txt\n!\n #not a comment\n';
    expect(parseDockerignore(text)).toEqual([
      { pattern: 'node_modules', exception: false },
      { pattern: 'build', exception: false },
      { pattern: 'src/gen', exception: false },
      { pattern: 'keep.txt', exception: true },
      { pattern: '#not a comment', exception: false },
    ]);
  });
});

describe('ContextFilter.excludes, as docker decides', () => {
  it.each([
    // The example image images/app/.dockerignore.
    { rules: '**/*.log\nnode_modules\ntest/', path: 'test/smoke.sh', excluded: true },
    { rules: '**/*.log\nnode_modules\ntest/', path: 'test', excluded: true },
    { rules: '**/*.log\nnode_modules\ntest/', path: 'src/test/x.sh', excluded: false },
    { rules: '**/*.log\nnode_modules\ntest/', path: 'debug.log', excluded: true },
    { rules: '**/*.log\nnode_modules\ntest/', path: 'src/www/access.log', excluded: true },
    { rules: '**/*.log\nnode_modules\ntest/', path: 'Dockerfile', excluded: false },
    { rules: '**/*.log\nnode_modules\ntest/', path: 'src/server.sh', excluded: false },
    // A pattern without ** matches at its own depth only, or a parent directory at that depth.
    { rules: '*.log', path: 'a.log', excluded: true },
    { rules: '*.log', path: 'dir/a.log', excluded: false },
    { rules: '*.log', path: 'x.log/inside', excluded: true },
    { rules: '*/temp*', path: 'somedir/temporary.txt', excluded: true },
    { rules: '*/temp*', path: 'temporary.txt', excluded: false },
    { rules: '*/*/temp*', path: 'a/b/temp', excluded: true },
    { rules: 'temp?', path: 'tempa', excluded: true },
    { rules: 'temp?', path: 'temp/x', excluded: false },
    { rules: 'a?c', path: 'a/c', excluded: false },
    // A leading slash anchors nothing more: patterns are relative to the context anyway.
    { rules: '/build', path: 'build/out.o', excluded: true },
    { rules: '/build', path: 'src/build', excluded: false },
    // ** spans any number of directories, none included.
    { rules: 'docs/**', path: 'docs/a/b.md', excluded: true },
    { rules: 'docs/**', path: 'docs', excluded: false },
    { rules: '**/cache', path: 'cache', excluded: true },
    { rules: '**/cache', path: 'a/b/cache/x', excluded: true },
    // Exceptions: the last matching line wins.
    { rules: '*.md\n!README.md', path: 'README.md', excluded: false },
    { rules: '*.md\n!README.md', path: 'CHANGES.md', excluded: true },
    { rules: '!README.md\n*.md', path: 'README.md', excluded: true },
    { rules: 'dir\n!dir/keep', path: 'dir/keep', excluded: false },
    { rules: 'dir\n!dir/keep', path: 'dir/other', excluded: true },
    { rules: 'dir\n!dir/keep', path: 'dir', excluded: true },
    // Case-sensitive, as on Linux.
    { rules: '*.LOG', path: 'a.log', excluded: false },
    { rules: '.git', path: '.git/config', excluded: true },
    { rules: '# only a comment', path: '# only a comment', excluded: false },
    { rules: '', path: 'anything', excluded: false },
  ])('$rules: $path excluded=$excluded', ({ rules, path, excluded }) => {
    expect(filter(rules).excludes(path)).toBe(excluded);
  });
});

describe('ContextFilter.mayIncludeInside', () => {
  it.each([
    { rules: 'dir\n!dir/keep', dir: 'dir', walks: true },
    { rules: 'dir\n!dir/sub/keep', dir: 'dir/sub', walks: true },
    { rules: 'dir\n!dir/keep', dir: 'other', walks: false },
    // Docker's check is a text prefix: an exception starting with a wildcard never opens a directory.
    { rules: 'node_modules\n!**/keep.js', dir: 'node_modules', walks: false },
    { rules: 'dir', dir: 'dir', walks: false },
  ])('$rules: walks into $dir = $walks', ({ rules, dir, walks }) => {
    expect(filter(rules).mayIncludeInside(dir)).toBe(walks);
  });
});
