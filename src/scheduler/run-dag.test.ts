import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { type DagNode, runDag, type TaskOutcome } from './run-dag.js';

function dag(entries: Record<string, string[]>): DagNode[] {
  return Object.entries(entries).map(([name, parents]) => ({ name, parents }));
}

/**
 * Fake tasks that stay running until the test settles them, and record what the scheduler did. `flush`
 * lets every promise reaction run (the scheduler's and p-limit's) before the test looks.
 */
function fakeTasks() {
  const started: string[] = [];
  const running = new Map<
    string,
    { signal: AbortSignal; resolve: () => void; reject: (e: unknown) => void }
  >();
  let inFlight = 0;
  let maxInFlight = 0;
  const task = (name: string, signal: AbortSignal) => {
    started.push(name);
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    return new Promise<void>((resolve, reject) => running.set(name, { signal, resolve, reject })).finally(
      () => {
        inFlight--;
        running.delete(name);
      },
    );
  };
  const settle = async (name: string, how: 'succeed' | 'fail' | 'abort') => {
    const entry = running.get(name);
    if (!entry) throw new Error(`${name} is not running (running: ${[...running.keys()].join(', ')})`);
    if (how === 'succeed') entry.resolve();
    else entry.reject(how === 'fail' ? new Error(`${name} broke`) : entry.signal.reason);
    await flush();
  };
  return {
    task,
    started,
    running: () => [...running.keys()],
    signalOf: (name: string) => running.get(name)!.signal,
    maxInFlight: () => maxInFlight,
    succeed: (name: string) => settle(name, 'succeed'),
    fail: (name: string) => settle(name, 'fail'),
    abort: (name: string) => settle(name, 'abort'),
  };
}

const flush = () => nextMacrotask();

const statuses = (outcomes: Map<string, TaskOutcome>) =>
  Object.fromEntries(
    [...outcomes].map(([name, o]) => [name, o.status === 'blocked' ? `blocked by ${o.by}` : o.status]),
  );

describe('runDag', () => {
  it('runs a diamond: the join starts only when both sides succeeded', async () => {
    const t = fakeTasks();
    const result = runDag(
      dag({ base: [], left: ['base'], right: ['base'], app: ['left', 'right'] }),
      t.task,
      {
        concurrency: 4,
      },
    );
    await flush();
    expect(t.running()).toEqual(['base']);
    await t.succeed('base');
    expect(t.running()).toEqual(['left', 'right']);
    await t.succeed('left');
    expect(t.running()).toEqual(['right']);
    await t.succeed('right');
    expect(t.running()).toEqual(['app']);
    await t.succeed('app');
    const outcomes = await result;
    expect([...outcomes.keys()]).toEqual(['base', 'left', 'right', 'app']);
    expect(statuses(outcomes)).toEqual({
      base: 'succeeded',
      left: 'succeeded',
      right: 'succeeded',
      app: 'succeeded',
    });
  });

  it('runs a wide fan-out at most `concurrency` at a time, in the given order', async () => {
    const t = fakeTasks();
    const result = runDag(
      dag({ root: [], e: ['root'], b: ['root'], d: ['root'], a: ['root'], c: ['root'] }),
      t.task,
      {
        concurrency: 2,
      },
    );
    await flush();
    await t.succeed('root');
    expect(t.running()).toEqual(['e', 'b']);
    await t.succeed('b');
    expect(t.running()).toEqual(['e', 'd']);
    for (const name of ['e', 'd', 'a', 'c']) await t.succeed(name);
    await result;
    expect(t.started).toEqual(['root', 'e', 'b', 'd', 'a', 'c']);
    expect(t.maxInFlight()).toBe(2);
  });

  it.each([1, 2, 3, 5])('never runs more than %i tasks at once on a larger tree', async (concurrency) => {
    // 40 nodes, each the child of the nodes at index i/2 and i/3: wide, deep and joined.
    const nodes: DagNode[] = Array.from({ length: 40 }, (_, i) => ({
      name: `n${i}`,
      parents: i === 0 ? [] : [...new Set([Math.floor(i / 2), Math.floor(i / 3)])].map((p) => `n${p}`),
    }));
    let inFlight = 0;
    let maxInFlight = 0;
    const finished = new Set<string>();
    const outcomes = await runDag(
      nodes,
      async (name) => {
        for (const parent of nodes.find((n) => n.name === name)!.parents) expect(finished).toContain(parent);
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        await flush();
        inFlight--;
        finished.add(name);
      },
      { concurrency },
    );
    expect(maxInFlight).toBe(concurrency);
    expect(finished.size).toBe(40);
    expect(new Set(Object.values(statuses(outcomes)))).toEqual(new Set(['succeeded']));
  });

  it('starts the earliest ready node in the given order, not the one that became ready first', async () => {
    const t = fakeTasks();
    const result = runDag(dag({ a: [], b: [], d: ['a'], c: [] }), t.task, { concurrency: 1 });
    await flush();
    await t.succeed('a'); // b and c were ready before d, but d comes before c
    await t.succeed('b');
    await t.succeed('d');
    await t.succeed('c');
    await result;
    expect(t.started).toEqual(['a', 'b', 'd', 'c']);
  });

  it('starts a child while an unrelated slow sibling of its parent is still running (no level barriers)', async () => {
    const t = fakeTasks();
    const result = runDag(dag({ base: [], slow: ['base'], fast: ['base'], app: ['fast'] }), t.task, {
      concurrency: 3,
    });
    await flush();
    await t.succeed('base');
    await t.succeed('fast');
    expect(t.running()).toEqual(['slow', 'app']);
    await t.succeed('app');
    await t.succeed('slow');
    expect(statuses(await result)).toEqual({
      base: 'succeeded',
      slow: 'succeeded',
      fast: 'succeeded',
      app: 'succeeded',
    });
  });

  it('blocks only the descendants of a failed node; independent branches go on', async () => {
    const t = fakeTasks();
    const result = runDag(
      dag({ base: [], app: ['base'], other: ['base'], cli: ['app'], tool: ['cli', 'other'], lone: [] }),
      t.task,
      { concurrency: 2 },
    );
    await flush();
    await t.succeed('base');
    await t.fail('app');
    expect(t.running()).toEqual(['lone', 'other']);
    await t.succeed('other');
    await t.succeed('lone');
    const outcomes = await result;
    expect(statuses(outcomes)).toEqual({
      base: 'succeeded',
      app: 'failed',
      other: 'succeeded',
      cli: 'blocked by app',
      tool: 'blocked by app',
      lone: 'succeeded',
    });
    expect(outcomes.get('app')).toEqual({ status: 'failed', error: new Error('app broke') });
    expect(t.started).not.toContain('cli');
  });

  it('names the failed ancestor nearest in order as the blocker', async () => {
    const t = fakeTasks();
    const result = runDag(
      dag({ left: [], right: [], join: ['left', 'right'], mid: ['left'], tip: ['mid', 'join'] }),
      t.task,
      { concurrency: 2 },
    );
    await flush();
    await t.fail('left');
    await t.fail('right');
    expect(statuses(await result)).toEqual({
      left: 'failed',
      right: 'failed',
      join: 'blocked by right',
      mid: 'blocked by left',
      tip: 'blocked by right',
    });
  });

  it('with failFast, aborts the running tasks at the first failure and starts nothing more', async () => {
    const t = fakeTasks();
    const result = runDag(dag({ a: [], b: [], c: [], d: [], child: ['a'] }), t.task, {
      concurrency: 3,
      failFast: true,
    });
    await flush();
    expect(t.running()).toEqual(['a', 'b', 'c']);
    const signalOfB = t.signalOf('b');
    await t.fail('a');
    expect(signalOfB.aborted).toBe(true);
    await t.abort('b');
    await t.succeed('c'); // finished anyway: its work is done, so it counts
    expect(statuses(await result)).toEqual({
      a: 'failed',
      b: 'cancelled',
      c: 'succeeded',
      d: 'cancelled',
      child: 'blocked by a',
    });
    expect(t.started).toEqual(['a', 'b', 'c']);
  });

  it('without failFast, a failure aborts nothing', async () => {
    const t = fakeTasks();
    const result = runDag(dag({ a: [], b: [] }), t.task, { concurrency: 2 });
    await flush();
    const signalOfB = t.signalOf('b');
    await t.fail('a');
    expect(signalOfB.aborted).toBe(false);
    await t.succeed('b');
    expect(statuses(await result)).toEqual({ a: 'failed', b: 'succeeded' });
  });

  it('stops on an external abort: running tasks see it with its reason, the rest are cancelled', async () => {
    const t = fakeTasks();
    const external = new AbortController();
    const result = runDag(dag({ base: [], app: ['base'], cli: [], tool: [] }), t.task, {
      concurrency: 2,
      signal: external.signal,
    });
    await flush();
    const signal = t.signalOf('base');
    external.abort('SIGINT');
    expect(signal.reason).toBe('SIGINT');
    await t.abort('base');
    await t.abort('cli');
    expect(statuses(await result)).toEqual({
      base: 'cancelled',
      app: 'cancelled',
      cli: 'cancelled',
      tool: 'cancelled',
    });
    expect(t.started).toEqual(['base', 'cli']);
  });

  it('starts nothing when the signal is already aborted', async () => {
    const t = fakeTasks();
    const outcomes = await runDag(dag({ a: [], b: ['a'] }), t.task, {
      concurrency: 1,
      signal: AbortSignal.abort(),
    });
    expect(statuses(outcomes)).toEqual({ a: 'cancelled', b: 'cancelled' });
    expect(t.started).toEqual([]);
  });

  it('counts a task that throws before returning a promise as failed', async () => {
    const boom = new Error('synchronous');
    const outcomes = await runDag(
      dag({ a: [], b: ['a'] }),
      () => {
        throw boom;
      },
      { concurrency: 1 },
    );
    expect(outcomes.get('a')).toEqual({ status: 'failed', error: boom });
    expect(outcomes.get('b')).toEqual({ status: 'blocked', by: 'a' });
  });

  it('treats parents outside the given nodes as done, so a subset runs whole', async () => {
    const ran: string[] = [];
    const outcomes = await runDag(
      dag({ app: ['base'], cli: ['app', 'base'] }),
      async (name) => void ran.push(name),
      {
        concurrency: 1,
      },
    );
    expect(ran).toEqual(['app', 'cli']);
    expect(statuses(outcomes)).toEqual({ app: 'succeeded', cli: 'succeeded' });
  });

  it('returns an empty result for no nodes', async () => {
    expect(await runDag([], async () => {}, { concurrency: 1 })).toEqual(new Map());
  });

  it.each([
    [
      'a parent listed after its child',
      dag({ app: ['base'], base: [] }),
      /"app" comes before its parent "base"/,
    ],
    ['a node that is its own parent', dag({ app: ['app'] }), /"app" comes before its parent "app"/],
    ['a name listed twice', [...dag({ app: [] }), ...dag({ app: [] })], /"app" is listed twice/],
  ])('rejects %s instead of waiting forever', async (_, nodes, message) => {
    await expect(runDag(nodes, async () => {}, { concurrency: 1 })).rejects.toThrow(message);
  });
});
