import { describe, expect, it } from 'vitest';
import { chooseEngine, EngineSlots } from './engine-slots.js';

const A = 'unix:///a.sock';
const B = 'tcp://b:2375';
const C = 'ssh://ci@c';

describe('chooseEngine', () => {
  it.each([
    { case: 'the parent’s engine when it has a free slot', running: [0, 1, 0], preferred: [B], chosen: B },
    {
      case: 'the least busy when the parent’s engine is full',
      running: [1, 2, 0],
      preferred: [B],
      chosen: C,
    },
    {
      case: 'the next parent’s engine when the first is full',
      running: [2, 0, 1],
      preferred: [A, C],
      chosen: C,
    },
    { case: 'the least busy without placed parents', running: [1, 0, 1], preferred: [], chosen: B },
    { case: 'the first listed among equally busy', running: [1, 1, 1], preferred: [], chosen: A },
    { case: 'the least busy even when all are full', running: [2, 3, 2], preferred: [B], chosen: A },
    {
      case: 'the least busy when a parent’s engine is not one of these',
      running: [1, 0, 0],
      preferred: ['unix:///gone'],
      chosen: B,
    },
  ])('picks $case', ({ running, preferred, chosen }) => {
    const load = new Map([A, B, C].map((engine, i) => [engine, running[i]!]));
    expect(chooseEngine(load, 2, preferred)).toBe(chosen);
  });
});

describe('EngineSlots', () => {
  it('keeps a chain on one engine and spreads siblings over the free ones', () => {
    const slots = new EngineSlots([A, B], 1);
    const base = slots.take([]);
    expect(base).toBe(A);
    slots.give(base);
    // Two children of base ready at once: the first stays with its parent, the second goes where a slot is free.
    expect(slots.take([A])).toBe(A);
    expect(slots.take([A])).toBe(B);
    expect([slots.running(A), slots.running(B)]).toEqual([1, 1]);
    slots.give(A);
    expect(slots.take([B])).toBe(A);
  });

  it('refuses to give back a slot nobody took', () => {
    const slots = new EngineSlots([A], 2);
    expect(() => slots.give(A)).toThrow(/no slot taken/);
  });
});
