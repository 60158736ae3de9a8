import type { ImageReport } from './events.js';
import { formatDuration, shortDigest } from './format.js';

/** What the live view knows of one image; `since` is when its first active phase began. */
export type LiveState =
  | { phase: 'waiting' }
  | { phase: 'checking' | 'pushing'; since: number }
  | { phase: 'building'; since: number; step?: string }
  | { phase: 'finished'; image: ImageReport };

export interface LiveRow {
  name: string;
  state: LiveState;
  /** The engine that builds (built) it, when the run shows engine names. */
  engine?: string;
}

/** Labels in the order the "more" line counts them: what is moving first. */
const labels = [
  'checking',
  'building',
  'pushing',
  'failed',
  'done',
  'skipped',
  'planned',
  'blocked',
  'waiting',
] as const;
type Label = (typeof labels)[number];

/**
 * The live table, one line per image, cut to the terminal's width so no line wraps (a wrapped line would
 * break the cursor-up redraw). When the table is taller than the terminal, only images that are moving or
 * failed are listed, then one line counting the rest: lines scrolled off the top cannot be redrawn.
 */
export function liveFrame(
  rows: readonly LiveRow[],
  now: number,
  size: { columns?: number; rows?: number },
): string[] {
  const width = nameWidth(rows);
  const room = Math.max(1, (size.rows || Number.POSITIVE_INFINITY) - 1); // the cursor waits on the last line
  let lines: string[];
  if (rows.length <= room) {
    lines = rows.map((row) => rowText(row, width, now));
  } else {
    const wanted = rows.filter((row) => isMoving(row.state) || label(row.state) === 'failed');
    const shown = wanted.slice(0, room - 1);
    const hidden = rows.filter((row) => !shown.includes(row));
    lines = [...shown.map((row) => rowText(row, width, now)), moreLine(hidden)];
  }
  return lines.map((line) => truncate(line, size.columns));
}

/** The table once the run is over: every image, whatever the terminal's height. */
export function finalTable(rows: readonly LiveRow[], now: number, columns: number | undefined): string[] {
  const width = nameWidth(rows);
  return rows.map((row) => truncate(rowText(row, width, now), columns));
}

/** `app    building  4.5s  step 3/7 RUN make`: name, state, elapsed, then what it is doing or made. */
function rowText({ name, state, engine }: LiveRow, width: number, now: number): string {
  const cells = (elapsed?: number, detail = '') => {
    const time = elapsed === undefined ? '' : formatDuration(elapsed);
    return `${name.padEnd(width)}  ${label(state).padEnd(8)} ${time.padStart(6)}  ${detail}`.trimEnd();
  };
  switch (state.phase) {
    case 'waiting':
      return cells();
    case 'checking':
    case 'pushing':
      return cells(now - state.since);
    case 'building':
      return cells(now - state.since, onEngine(engine, state.step));
    case 'finished': {
      const { image } = state;
      if (image.status === 'blocked') return `${name.padEnd(width)}  ${image.error?.message ?? 'blocked'}`;
      const detail =
        image.status === 'failed'
          ? (image.error?.step ?? image.error?.message.split('\n')[0])
          : image.digest && shortDigest(image.digest);
      return cells(image.durationMs, image.status === 'built' ? onEngine(engine, detail) : detail);
    }
  }
}

/** `on colima: step 3/7 RUN make`; the detail alone when no engine name is shown. */
function onEngine(engine: string | undefined, detail: string | undefined): string | undefined {
  if (engine === undefined) return detail;
  return detail ? `on ${engine}: ${detail}` : `on ${engine}`;
}

function label(state: LiveState): Label {
  if (state.phase !== 'finished') return state.phase;
  return state.image.status === 'built' ? 'done' : state.image.status;
}

function isMoving(state: LiveState): boolean {
  return state.phase === 'checking' || state.phase === 'building' || state.phase === 'pushing';
}

/** `… 12 more: 8 done, 4 waiting`. */
function moreLine(hidden: readonly LiveRow[]): string {
  const counts = labels
    .map((l) => [l, hidden.filter((row) => label(row.state) === l).length] as const)
    .filter(([, count]) => count > 0)
    .map(([l, count]) => `${count} ${l}`);
  return `… ${hidden.length} more: ${counts.join(', ')}`;
}

function nameWidth(rows: readonly LiveRow[]): number {
  return Math.max(0, ...rows.map((row) => row.name.length));
}

/** By code point, so a cut never splits a surrogate pair. */
function truncate(line: string, columns: number | undefined): string {
  const max = columns || 80;
  const chars = [...line];
  return chars.length <= max ? line : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}
