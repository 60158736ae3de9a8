import { setMaxListeners } from 'node:events';
import pLimit from 'p-limit';

export type TaskOutcome =
  | { status: 'succeeded' }
  | { status: 'failed'; error: unknown }
  /** Never ran because an ancestor failed; `by` is the failed ancestor nearest in build order. */
  | { status: 'blocked'; by: string }
  /** Never ran, or was aborted while running, because the run was stopped (fail-fast or the caller's signal). */
  | { status: 'cancelled' };

/** Abort listeners one running task may hold on the run's signal at once. */
const LISTENERS_PER_TASK = 4;

export interface DagNode {
  name: string;
  parents: readonly string[];
}

export interface RunDagOptions {
  /** Most tasks running at once (p-limit: an integer from 1, or Infinity). */
  concurrency: number;
  /** Stop at the first failure: abort the running tasks' signals and start nothing more. */
  failFast?: boolean;
  /** Aborting it stops the run the same way (SIGINT/SIGTERM from the CLI). */
  signal?: AbortSignal;
}

/**
 * Runs `task` once per node, each as soon as all its parents succeeded: there are no level barriers, so
 * a child can start while an unrelated sibling of its parent is still running. When more nodes are ready
 * than there are free slots, the earliest in `nodes` order starts first.
 *
 * `nodes` must be in build order (every parent before its children); a parent that is not one of `nodes`
 * counts as done, so a subset of a graph can be run whole. The result holds every node, in `nodes` order,
 * once every started task has settled: a task that ignores its abort signal delays the result.
 */
export async function runDag(
  nodes: readonly DagNode[],
  task: (name: string, signal: AbortSignal) => Promise<void>,
  options: RunDagOptions,
): Promise<Map<string, TaskOutcome>> {
  const { parents, children } = link(nodes);
  const waitingOn = parents.map((list) => list.length);
  const outcomes: Array<TaskOutcome | undefined> = [];
  // Node indexes in ascending order; a slot takes the smallest when it frees up, not the oldest, which
  // is why p-limit only counts slots here instead of queueing the nodes themselves.
  const ready: number[] = [];
  const limit = pLimit(options.concurrency);
  const controller = new AbortController();
  // Every running task listens to this one signal, a few times each (waiting for an engine slot, the
  // engine request, reading its stream): more than Node's default of 10 is expected, not a leak.
  setMaxListeners(Math.max(10, options.concurrency * LISTENERS_PER_TASK), controller.signal);
  const stop = () => controller.abort(options.signal?.reason);

  const attempt = async (name: string): Promise<TaskOutcome> => {
    const { signal } = controller;
    if (signal.aborted) return { status: 'cancelled' };
    try {
      await task(name, signal);
      return { status: 'succeeded' };
    } catch (error) {
      // After an abort a rejection is the task honouring it, not a failure of its own.
      return signal.aborted ? { status: 'cancelled' } : { status: 'failed', error };
    }
  };

  return new Promise((resolve) => {
    let unsettled = 0;
    const makeReady = (index: number) => {
      insertSorted(ready, index);
      unsettled++;
      void limit(runNext);
    };
    const runNext = async () => {
      const index = ready.shift()!;
      const outcome = await attempt(nodes[index]!.name);
      outcomes[index] = outcome;
      if (outcome.status === 'succeeded') {
        for (const child of children[index]!) if (--waitingOn[child]! === 0) makeReady(child);
      } else if (outcome.status === 'failed' && options.failFast) {
        stop();
      }
      if (--unsettled === 0) {
        options.signal?.removeEventListener('abort', stop);
        resolve(collect(nodes, parents, outcomes));
      }
    };

    if (options.signal?.aborted) stop();
    else options.signal?.addEventListener('abort', stop, { once: true });
    waitingOn.forEach((count, index) => {
      if (count === 0) makeReady(index);
    });
    if (unsettled === 0) resolve(new Map());
  });
}

/** Parents and children as indexes into `nodes`; rejects an order that would make the run wait forever. */
function link(nodes: readonly DagNode[]): { parents: number[][]; children: number[][] } {
  const indexOf = new Map<string, number>();
  nodes.forEach((node, index) => {
    if (indexOf.has(node.name)) throw new Error(`runDag: "${node.name}" is listed twice`);
    indexOf.set(node.name, index);
  });
  const children: number[][] = nodes.map(() => []);
  const parents = nodes.map((node, index) => {
    const own = new Set<number>();
    for (const parent of node.parents) {
      const at = indexOf.get(parent);
      if (at === undefined) continue;
      if (at >= index) {
        throw new Error(
          `runDag: "${node.name}" comes before its parent "${parent}"; pass nodes in build order`,
        );
      }
      own.add(at);
    }
    for (const at of own) children[at]!.push(index);
    return [...own];
  });
  return { parents, children };
}

/** Every node that never got an outcome was blocked by a failed ancestor or cancelled with the run. */
function collect(
  nodes: readonly DagNode[],
  parents: number[][],
  outcomes: Array<TaskOutcome | undefined>,
): Map<string, TaskOutcome> {
  // A failed node's own ancestors all succeeded, so the nearest failed ancestor is the largest index
  // among failed parents and the parents' own nearest failed ancestors.
  const nearestFailed: number[] = [];
  const result = new Map<string, TaskOutcome>();
  nodes.forEach((node, index) => {
    let nearest = -1;
    for (const parent of parents[index]!) {
      nearest = Math.max(nearest, outcomes[parent]?.status === 'failed' ? parent : nearestFailed[parent]!);
    }
    nearestFailed.push(nearest);
    const outcome: TaskOutcome =
      outcomes[index] ??
      (nearest >= 0 ? { status: 'blocked', by: nodes[nearest]!.name } : { status: 'cancelled' });
    result.set(node.name, outcome);
  });
  return result;
}

function insertSorted(list: number[], value: number): void {
  let at = list.length;
  while (at > 0 && list[at - 1]! > value) at--;
  list.splice(at, 0, value);
}
