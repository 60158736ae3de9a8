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
): string {
  const near = preferred.find((engine) => (running.get(engine) ?? slotsPerEngine) < slotsPerEngine);
  if (near !== undefined) return near;
  let best: string | undefined;
  for (const [engine, count] of running) if (best === undefined || count < running.get(best)!) best = engine;
  if (best === undefined) throw new Error('chooseEngine: no engines');
  return best;
}

/**
 * The build slots of every engine, `slotsPerEngine` each (`--concurrency` is per engine). take() never
 * waits: the scheduler runs at most slotsPerEngine × engines images at once and an image holds a slot only
 * while it builds and pushes, so an image asking for one always finds one free.
 */
export class EngineSlots {
  readonly #running: Map<string, number>;
  readonly #slotsPerEngine: number;

  constructor(engines: readonly string[], slotsPerEngine: number) {
    this.#running = new Map(engines.map((engine) => [engine, 0]));
    this.#slotsPerEngine = slotsPerEngine;
  }

  /** Reserves a slot on the engine chooseEngine picks; `preferred` are the engines that built the parents. */
  take(preferred: readonly string[]): string {
    const engine = chooseEngine(this.#running, this.#slotsPerEngine, preferred);
    this.#running.set(engine, this.#running.get(engine)! + 1);
    return engine;
  }

  give(engine: string): void {
    const count = this.#running.get(engine);
    if (!count) throw new Error(`EngineSlots: ${engine} has no slot taken`);
    this.#running.set(engine, count - 1);
  }

  running(engine: string): number {
    return this.#running.get(engine) ?? 0;
  }
}
