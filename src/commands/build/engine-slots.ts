/**
 * Which engine builds an image, when a build spans several. Pure: counts only, no engines.
 *
 * A child goes to the engine that built one of its parents when that engine has a free slot: the parent's
 * layers are there already, so nothing is pulled and the engine's layer cache serves the chain. Otherwise
 * it goes to the least busy engine (the first listed among equals), which then pulls the parent by digest
 * from the registry: an idle engine beats waiting for a busy one.
 */
export function chooseEngine(
  running: ReadonlyMap<string, number>,
  slotsPerEngine: number,
  preferred: readonly string[],
  only?: readonly string[],
): string {
  const near = preferred.find((engine) => (running.get(engine) ?? slotsPerEngine) < slotsPerEngine);
  if (near !== undefined) return near;
  let best: string | undefined;
  for (const [engine, count] of running) {
    if (only && !only.includes(engine)) continue;
    if (best === undefined || count < running.get(best)!) best = engine;
  }
  if (best === undefined) throw new Error('chooseEngine: no engines');
  return best;
}

/**
 * The build slots of every engine, `slotsPerEngine` each (`--concurrency` is per engine). More images run
 * at once than there are slots (hashing and looking up content tags is cheap and latency-bound), so an
 * image that needs to build waits in acquire() for a slot, first come first served.
 */
export class EngineSlots {
  readonly #running: Map<string, number>;
  readonly #slotsPerEngine: number;
  readonly #waiting: Array<{
    preferred: readonly string[];
    only: readonly string[] | undefined;
    resolve: (engine: string) => void;
  }> = [];

  constructor(engines: readonly string[], slotsPerEngine: number) {
    this.#running = new Map(engines.map((engine) => [engine, 0]));
    this.#slotsPerEngine = slotsPerEngine;
  }

  /**
   * A slot as soon as one is free (see take); rejects with the signal's reason when aborted first. With
   * `only`, just those engines will do (a platform build waits for an engine that builds it natively).
   */
  acquire(preferred: readonly string[], signal?: AbortSignal, only?: readonly string[]): Promise<string> {
    if (this.#hasFree(only)) return Promise.resolve(this.take(preferred, only));
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const at = this.#waiting.indexOf(waiter);
        if (at === -1) return;
        this.#waiting.splice(at, 1);
        reject(signal?.reason);
      };
      // The listener goes when the slot comes: the run's one signal would otherwise gather one per image.
      const waiter = {
        preferred,
        only,
        resolve: (engine: string) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(engine);
        },
      };
      this.#waiting.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Reserves a slot on the engine chooseEngine picks; `preferred` are the engines that built the parents. */
  take(preferred: readonly string[], only?: readonly string[]): string {
    const engine = chooseEngine(this.#running, this.#slotsPerEngine, preferred, only);
    this.#running.set(engine, this.#running.get(engine)! + 1);
    return engine;
  }

  give(engine: string): void {
    const count = this.#running.get(engine);
    if (!count) throw new Error(`EngineSlots: ${engine} has no slot taken`);
    this.#running.set(engine, count - 1);
    // The first waiter this slot will do for: one waiting for another engine keeps its place.
    const at = this.#waiting.findIndex((w) => !w.only || w.only.includes(engine));
    if (at === -1) return;
    const [next] = this.#waiting.splice(at, 1);
    next!.resolve(this.take(next!.preferred, next!.only));
  }

  #hasFree(only?: readonly string[]): boolean {
    return [...this.#running].some(
      ([engine, count]) => count < this.#slotsPerEngine && (!only || only.includes(engine)),
    );
  }

  running(engine: string): number {
    return this.#running.get(engine) ?? 0;
  }
}
