import { getEventListeners } from 'node:events';
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

describe('EngineSlots.acquire', () => {
  it('waits for a free slot when every engine is busy, and hands a freed slot to the first waiter', async () => {
    const slots = new EngineSlots([A, B], 1);
    expect(await slots.acquire([])).toBe(A);
    expect(await slots.acquire([])).toBe(B);
    const order: string[] = [];
    const first = slots.acquire([B]).then((engine) => order.push(`first ${engine}`));
    const second = slots.acquire([]).then((engine) => order.push(`second ${engine}`));
    await Promise.resolve();
    expect(order).toEqual([]);
    slots.give(B);
    await first;
    expect(order).toEqual([`first ${B}`]);
    slots.give(A);
    await second;
    expect(order).toEqual([`first ${B}`, `second ${A}`]);
  });

  it("lets go of the run's signal once a waiter has its slot (one signal serves every image of a run)", async () => {
    const slots = new EngineSlots([A], 1);
    const controller = new AbortController();
    await slots.acquire([], controller.signal);
    for (let i = 0; i < 20; i++) {
      const waiting = slots.acquire([], controller.signal);
      slots.give(A);
      await waiting;
    }
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('stops waiting when the run is aborted', async () => {
    const slots = new EngineSlots([A], 1);
    await slots.acquire([]);
    const controller = new AbortController();
    const waiting = slots.acquire([], controller.signal);
    controller.abort(new Error('interrupted'));
    await expect(waiting).rejects.toThrow('interrupted');
    slots.give(A);
    expect(slots.running(A)).toBe(0);
  });

  it('waits for one of the engines a platform build may use, while other waiters take other engines', async () => {
    const slots = new EngineSlots([A, B], 1);
    expect(await slots.acquire([])).toBe(A);
    // Only A builds this platform natively: B being free does not help it.
    let native: string | undefined;
    const waitingForA = slots.acquire([], undefined, [A]).then((engine) => {
      native = engine;
    });
    await Promise.resolve();
    expect(native).toBeUndefined();
    expect(await slots.acquire([])).toBe(B);
    // B's slot goes back: the waiter for A stays waiting.
    slots.give(B);
    await Promise.resolve();
    expect(native).toBeUndefined();
    slots.give(A);
    await waitingForA;
    expect(native).toBe(A);
  });
});
