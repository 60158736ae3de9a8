import { redact } from '../../credentials/redact.js';
import { parseBuildKitStep } from '../../dockerfile/buildkit-step.js';
import { terminalText } from '../../text/control-characters.js';
import { LAST_LINES } from '../build-output.js';
import type { JsonMessage } from '../json-lines.js';
import { OutputLines } from '../output-lines.js';
import type { BuildStep } from '../types.js';
import { type BuildKitStatus, decodeStatus } from './protos.js';

export interface StatusOutputHooks {
  onStep?(step: BuildStep): void;
  onLine?(line: string): void;
}

/** `importing cache manifest from <ref>`: a `--cache-from` source, which may not exist yet. */
const cacheImport = /^importing cache manifest from /;

/** A runaway build could announce vertices without end; past this many, new ones are not tracked. */
const MAX_VERTICES = 2000;

interface Vertex {
  name: string;
  step: BuildStep | undefined;
  started: boolean;
  done: boolean;
  lines: OutputLines;
  last: string[];
}

/**
 * Follows BuildKit's build stream (`POST /build?version=2`): dockerd wraps each StatusResponse in a
 * `moby.buildkit.trace` message (base64 protobuf), the image ID in `moby.image.id`, and a failure in
 * `errorDetail`. Turns it into what the classic builder's parser gives: a step as each starts (cached
 * ones marked), every line of output decoded and cleaned, the failing step and its last lines. Pure.
 */
export class StatusOutput {
  readonly #hooks: StatusOutputHooks;
  readonly #vertices = new Map<string, Vertex>();
  #failed: Vertex | undefined;
  #imageId: string | undefined;
  #error: string | undefined;

  constructor(hooks: StatusOutputHooks = {}) {
    this.#hooks = hooks;
  }

  accept(message: JsonMessage): void {
    if (message.id === 'moby.buildkit.trace' && typeof message.aux === 'string') {
      this.#status(message.aux);
    } else if (message.id === 'moby.image.id' && typeof message.aux?.ID === 'string') {
      this.#imageId = message.aux.ID;
    } else if (message.stream !== undefined) {
      // dockerd's own words around a BuildKit build (rare); not tied to a vertex.
      for (const line of message.stream.split('\n')) {
        if (line.trim()) this.#hooks.onLine?.(terminalText(redact(line)));
      }
    }
    const error = message.errorDetail?.message ?? message.error;
    if (error !== undefined) {
      this.end();
      this.#error ??= redact(error.trim());
    }
  }

  /** Flushes every vertex's unterminated last line. */
  end(): void {
    for (const vertex of this.#vertices.values())
      for (const line of vertex.lines.end()) this.#line(vertex, line);
  }

  /** The Dockerfile step that failed (or, failing that, the last one that started). */
  get step(): BuildStep | undefined {
    if (this.#failed?.step) return this.#failed.step;
    return [...this.#vertices.values()].findLast((v) => v.step && v.started && !v.done)?.step;
  }

  get lastLines(): string[] {
    return [...(this.#failed?.last ?? [])];
  }

  get imageId(): string | undefined {
    return this.#imageId;
  }

  get error(): string | undefined {
    return this.#error;
  }

  #status(base64: string): void {
    let status: BuildKitStatus;
    try {
      status = decodeStatus(base64);
    } catch {
      return; // not a StatusResponse: nothing a user would miss
    }
    for (const v of status.vertexes) this.#vertex(v);
    for (const log of status.logs) {
      const vertex = this.#vertices.get(log.vertex);
      if (!vertex) continue;
      const text = Buffer.from(log.msg).toString('utf8');
      for (const line of vertex.lines.push(text)) this.#line(vertex, line);
    }
  }

  #vertex(update: BuildKitStatus['vertexes'][number]): void {
    let vertex = this.#vertices.get(update.digest);
    if (!vertex) {
      if (this.#vertices.size >= MAX_VERTICES) return;
      // BuildKit shows a RUN with its build args expanded: the name is masked before anything sees it.
      const name = terminalText(redact(update.name));
      vertex = {
        name,
        step: stepOf(name),
        started: false,
        done: false,
        lines: new OutputLines(),
        last: [],
      };
      this.#vertices.set(update.digest, vertex);
    }
    if (update.cached && !vertex.done) {
      vertex.done = true;
      if (vertex.step) vertex.step = { ...vertex.step, cached: true };
      this.#announce(vertex, `CACHED ${vertex.name}`);
      return;
    }
    // A step reused from the cache may be reported as started after it was marked cached: it ran nothing.
    if (update.started && !vertex.started && !vertex.done) {
      vertex.started = true;
      this.#announce(vertex, vertex.name);
    }
    if (update.error && !vertex.done) {
      // A cache source that is not there yet (the first build of an image) is no failure: BuildKit goes on.
      const optional = cacheImport.test(vertex.name);
      this.#hooks.onLine?.(
        `${optional ? 'no cache:' : 'ERROR'} ${vertex.name}: ${terminalText(redact(update.error))}`,
      );
      // The failing Dockerfile step, rather than whichever vertex BuildKit cancelled along with it.
      if (!optional && (this.#failed === undefined || (vertex.step && !this.#failed.step))) {
        this.#failed = vertex;
      }
    }
    if (update.completed) vertex.done = true;
  }

  #announce(vertex: Vertex, line: string): void {
    if (vertex.step) this.#hooks.onStep?.(vertex.step);
    this.#hooks.onLine?.(line);
  }

  #line(vertex: Vertex, line: string): void {
    vertex.last.push(line);
    if (vertex.last.length > LAST_LINES) vertex.last.shift();
    this.#hooks.onLine?.(line);
  }
}

/** The Dockerfile step a vertex name announces, or undefined for BuildKit's own vertices. */
function stepOf(name: string): BuildStep | undefined {
  const step = parseBuildKitStep(name);
  return step && { number: step.number, total: step.total, instruction: step.instruction, stage: step.stage };
}
