import { describe, expect, it } from 'vitest';
import {
  catalogScope,
  coversScopes,
  formatScope,
  mergeScopes,
  parseScope,
  parseScopeList,
  repositoryScope,
  scopeKey,
} from './scope.js';

describe('parseScope', () => {
  it.each([
    ['repository:team/app:pull,push', { type: 'repository', name: 'team/app', actions: ['pull', 'push'] }],
    ['repository:push,pull', undefined],
    [
      'repository:localhost:5000/app:pull',
      { type: 'repository', name: 'localhost:5000/app', actions: ['pull'] },
    ],
    ['registry:catalog:*', { type: 'registry', name: 'catalog', actions: ['*'] }],
    [
      'repository(plugin):vieux/sshfs:pull',
      { type: 'repository(plugin)', name: 'vieux/sshfs', actions: ['pull'] },
    ],
    ['repository:app:', undefined],
    ['nonsense', undefined],
  ])('%s', (text, expected) => {
    expect(parseScope(text)).toEqual(expected);
  });

  it('reads the space-separated list a challenge carries, dropping junk', () => {
    expect(parseScopeList('repository:a:pull junk repository:b:push').map(formatScope)).toEqual([
      'repository:a:pull',
      'repository:b:push',
    ]);
    expect(parseScopeList(undefined)).toEqual([]);
  });
});

describe('mergeScopes', () => {
  it('unites the actions per repository, keeping the order repositories were first asked in', () => {
    const merged = mergeScopes(
      [repositoryScope('target/app', 'push'), repositoryScope('source/app', 'pull')],
      [repositoryScope('target/app', 'pull'), repositoryScope('source/app', 'pull')],
    );
    expect(merged.map(formatScope)).toEqual([
      'repository:target/app:pull,push',
      'repository:source/app:pull',
    ]);
  });

  it('keeps resources of different types apart', () => {
    expect(mergeScopes([catalogScope, repositoryScope('catalog', 'pull')]).map(formatScope)).toEqual([
      'registry:catalog:*',
      'repository:catalog:pull',
    ]);
  });
});

describe('coversScopes', () => {
  it.each([
    { granted: ['repository:a:pull,push'], wanted: ['repository:a:pull'], covers: true },
    { granted: ['repository:a:pull'], wanted: ['repository:a:pull,push'], covers: false },
    { granted: ['repository:a:pull'], wanted: ['repository:b:pull'], covers: false },
    { granted: ['repository:a:*'], wanted: ['repository:a:delete'], covers: true },
    {
      granted: ['repository:a:pull', 'repository:b:pull,push'],
      wanted: ['repository:b:push', 'repository:a:pull'],
      covers: true,
    },
  ])('$granted covers $wanted: $covers', ({ granted, wanted, covers }) => {
    expect(coversScopes(parseScopeList(granted.join(' ')), parseScopeList(wanted.join(' ')))).toBe(covers);
  });
});

describe('scopeKey', () => {
  it('is the same for the same access asked in any order or split', () => {
    expect(scopeKey(parseScopeList('repository:b:push repository:a:pull repository:b:pull'))).toBe(
      scopeKey(parseScopeList('repository:a:pull repository:b:pull,push')),
    );
  });
});
