import { describe, expect, it } from 'vitest';
import { closeMatches } from './did-you-mean.js';
import { imageRefClassifier } from './image-ref-target.js';
import { StringHeap } from './string-heap.js';

describe('closeMatches (did you mean)', () => {
  const known = ['app', 'base-alpine', 'base-debian', 'builder', 'cli', 'proxy', 'proxy-dev'];

  it('finds a typo, a missing letter and two swapped letters', () => {
    expect(closeMatches('base-alpin', known)).toEqual(['base-alpine']);
    expect(closeMatches('bulider', known)).toEqual(['builder']);
    expect(closeMatches('proyx', known)).toEqual(['proxy']);
  });

  it('orders by distance, then by name', () => {
    expect(closeMatches('base-alpne', ['base-alpina', 'base-alpine', 'base-alpne'])).toEqual([
      'base-alpne',
      'base-alpine',
      'base-alpina',
    ]);
    expect(closeMatches('cl', ['ci', 'cb', 'ca'])).toEqual(['ca', 'cb', 'ci']);
  });

  it('allows one edit per three letters, and at least one', () => {
    expect(closeMatches('ap', known)).toEqual(['app']);
    expect(closeMatches('xyz', known)).toEqual([]);
    expect(closeMatches('proxy-de', known)).toEqual(['proxy-dev']);
    expect(closeMatches('proxy-d', known)).toEqual(['proxy', 'proxy-dev']);
    expect(closeMatches('prxy-dv', known)).toEqual(['proxy-dev']);
    expect(closeMatches('p', known)).toEqual([]);
  });

  it('counts a swap as one edit, not two', () => {
    expect(closeMatches('ab', ['ba'])).toEqual(['ba']);
    expect(closeMatches('abc', ['bac', 'bca'])).toEqual(['bac']);
  });
});

describe('StringHeap', () => {
  it('pops in code-unit order whatever the push order, duplicates included', () => {
    const heap = new StringHeap();
    const items = ['m', 'b', 'z', 'B', 'a', 'b', 'y', 'c', 'A', 'x', 'k', 'é', 'Z'];
    for (const item of items) heap.push(item);
    expect(heap.size).toBe(items.length);
    const popped: string[] = [];
    while (heap.size > 0) popped.push(heap.pop()!);
    expect(popped).toEqual([...items].sort());
    expect(heap.pop()).toBeUndefined();
  });

  it('keeps order when pushes and pops interleave', () => {
    const heap = new StringHeap();
    heap.push('d');
    heap.push('b');
    expect(heap.pop()).toBe('b');
    heap.push('a');
    heap.push('c');
    expect([heap.pop(), heap.pop(), heap.pop(), heap.size]).toEqual(['a', 'c', 'd', 0]);
  });
});

describe('imageRefClassifier', () => {
  const classify = imageRefClassifier(
    [{ name: 'base', tags: ['1', 'stable'] }, { name: 'team/app' }],
    'registry.example.com/acme',
  );

  it('takes the bare name with no tag or one of its tags as the image', () => {
    expect(classify('base')).toEqual({ kind: 'image', name: 'base' });
    expect(classify('base:stable')).toEqual({ kind: 'image', name: 'base' });
    expect(classify('team/app')).toEqual({ kind: 'image', name: 'team/app' });
  });

  it('takes any tag or digest under the registry of images.yml as the image', () => {
    expect(classify('registry.example.com/acme/base:anything')).toEqual({ kind: 'image', name: 'base' });
    expect(classify(`registry.example.com/acme/team/app@sha256:${'a'.repeat(64)}`)).toEqual({
      kind: 'image',
      name: 'team/app',
    });
  });

  it('takes another tag, or Docker Hub spelt out, as an upstream ref in canonical form', () => {
    // Another tag of a tree image's repository is pulled, with a warning saying so.
    expect(classify('base:2')).toMatchObject({ kind: 'upstream', ref: 'docker.io/library/base:2' });
    expect(classify('base:2')).toHaveProperty(
      'warning.message',
      expect.stringMatching(/no image of the tree has tag 2/),
    );
    expect(classify('docker.io/library/base')).toEqual({
      kind: 'upstream',
      ref: 'docker.io/library/base:latest',
    });
    expect(classify('alpine:3.20')).toEqual({ kind: 'upstream', ref: 'docker.io/library/alpine:3.20' });
  });

  it('says why a text is not a reference', () => {
    const result = classify('Not A Ref');
    expect(result.kind).toBe('invalid');
    expect(result.kind === 'invalid' && result.reason.length).toBeGreaterThan(0);
  });

  it('without a registry, knows images by their bare names only', () => {
    const local = imageRefClassifier([{ name: 'base' }]);
    expect(local('base')).toEqual({ kind: 'image', name: 'base' });
    expect(local('registry.example.com/acme/base')).toEqual({
      kind: 'upstream',
      ref: 'registry.example.com/acme/base:latest',
    });
  });
});
