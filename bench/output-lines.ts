import { OutputLines } from '../src/engine/output-lines.js';
import { printTable } from './table.js';

/**
 * Reading a build's output into lines (engine/output-lines.ts), in process, on the shapes that used to
 * stall a build: 40,000 progress redraws (`\r`) without a newline, one line of 10 MiB, and 10 MiB of
 * ordinary lines, each fed in the small chunks the engine sends. Each line is also cleaned (escape
 * sequences, secrets masked), which is most of the cost of ordinary lines. The floor is splitting the same
 * text at once at `\n`, which any reader pays. Before the fix, the redraws alone took 70 s.
 */
export function benchOutputLines(): void {
  const redraws = Array.from({ length: 40_000 }, (_, i) => `\rDownloading ${'#'.repeat(i % 60)} ${i}/40000`);
  redraws.push('\n');
  const longLine = [...Array.from({ length: 10 * 1024 }, () => 'x'.repeat(1024)), '\n'];
  const ordinary = Array.from({ length: 160_000 }, (_, i) => `step ${i}: ${'y'.repeat(60)}\n`);
  const rows: string[][] = [['output', 'chunks', 'MiB', 'ms', 'µs per chunk', 'plain split ms']];
  for (const [name, chunks] of [
    ['40,000 \\r redraws, one line', redraws],
    ['one 10 MiB line', longLine],
    ['160,000 ordinary lines', ordinary],
  ] as const) {
    const text = chunks.join('');
    const floor = best(() => text.split('\n'));
    const ms = best(() => {
      const lines = new OutputLines();
      for (const chunk of chunks) lines.push(chunk);
      lines.end();
    });
    rows.push([
      name,
      String(chunks.length),
      (text.length / 1024 / 1024).toFixed(1),
      ms.toFixed(1),
      ((ms * 1000) / chunks.length).toFixed(2),
      floor.toFixed(1),
    ]);
  }
  printTable('build output into lines (best of 5)', rows);
}

function best(run: () => unknown): number {
  let fastest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    run();
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
}
