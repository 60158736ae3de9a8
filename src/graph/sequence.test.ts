import { describe, expect, it } from 'vitest';
import { sequence } from './sequence.js';

function graph(entries: Record<string, string[]>): Map<string, string[]> {
  return new Map(Object.entries(entries));
}

describe('sequence', () => {
  it.each([
    ['a single node', { a: [] }, ['a']],
    [
      'a diamond',
      { app: ['left', 'right'], left: ['base'], right: ['base'], base: [] },
      ['base', 'left', 'right', 'app'],
    ],
    ['a wide fan-out, by name', { c: ['root'], a: ['root'], b: ['root'], root: [] }, ['root', 'a', 'b', 'c']],
    ['a deep chain', { d: ['c'], c: ['b'], b: ['a'], a: [] }, ['a', 'b', 'c', 'd']],
    ['disconnected parts, by name', { y: ['x'], x: [], b: ['a'], a: [] }, ['a', 'b', 'x', 'y']],
    [
      'a child that becomes ready before a smaller root',
      { b: [], c: ['a'], a: [], z: [] },
      ['a', 'b', 'c', 'z'],
    ],
    ['duplicate parents', { b: ['a', 'a'], a: [] }, ['a', 'b']],
    ['parents outside the graph, ignored', { b: ['a', 'elsewhere'], a: [] }, ['a', 'b']],
  ])('orders %s', (_, entries, order) => {
    expect(sequence(graph(entries))).toEqual({ ok: true, order });
  });

  it('gives the same order whatever the input order', () => {
    const entries = Object.entries({
      app: ['left', 'right'],
      left: ['base'],
      right: ['base'],
      base: [],
      cli: ['base'],
    });
    const forward = sequence(new Map(entries));
    const backward = sequence(new Map([...entries].reverse().map(([k, v]) => [k, [...v].reverse()])));
    expect(backward).toEqual(forward);
  });

  it.each([
    ['of 1', { app: ['app'] }, ['app', 'app']],
    ['of 2', { cli: ['app'], app: ['cli'] }, ['app', 'cli', 'app']],
    ['of 3, starting at its smallest name', { c: ['a'], a: ['b'], b: ['c'] }, ['a', 'b', 'c', 'a']],
    ['behind nodes that only depend on it', { a: ['z'], z: ['y'], y: ['z'], ok: [] }, ['y', 'z', 'y']],
    ['next to a valid part', { base: [], app: ['base', 'cli'], cli: ['app'] }, ['app', 'cli', 'app']],
  ])('finds a cycle %s', (_, entries, cycle) => {
    expect(sequence(graph(entries))).toEqual({ ok: false, cycle });
  });

  it('orders 2,000 nodes, parents first', () => {
    const nodes = new Map<string, string[]>();
    for (let i = 0; i < 2000; i++) {
      const name = `image-${String(i).padStart(4, '0')}`;
      nodes.set(name, i === 0 ? [] : [`image-${String(Math.floor((i - 1) / 3)).padStart(4, '0')}`]);
    }
    const result = sequence(nodes);
    expect(result.ok && result.order.length).toBe(2000);
    expect(result.ok && result.order[0]).toBe('image-0000');
  });
});
