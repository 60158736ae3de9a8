import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { measureNode, type Run } from './measure.js';
import { writeBigManifest, writeSyntheticTree } from './synthetic-tree.js';
import { printTable } from './table.js';

const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

/**
 * `pinyard plan --format json` on synthetic trees of 100, 1,000 and 2,000 images, wide and deep, as a user
 * runs it (a fresh process, reading every Dockerfile; issue 14's target: 2,000 images in < 0.5 s). The
 * baseline is a bare `node` start, the floor any Node CLI pays. The runs of all rows interleave, so a busy
 * machine weighs on each alike; medians of wall and CPU time are shown (CPU time is what a shared machine
 * disturbs least). pinyard's code cache is warm (a first run of each tree made it).
 */
export function benchPlan(runs = 7): void {
  const trees = (['wide', 'deep'] as const).flatMap((shape) =>
    [100, 1000, 2000].map((count) => ({ shape, count, dir: writeSyntheticTree(count, shape) })),
  );
  const cases = [
    { name: '(bare node start)', images: '-', args: ['-e', ''], cwd: process.cwd() },
    ...trees.map((t) => ({
      name: t.shape,
      images: String(t.count),
      args: [cli, 'plan', '--format', 'json'],
      cwd: t.dir,
    })),
  ];
  for (const c of cases) measureNode(c.args, c.cwd);
  const results = cases.map(() => [] as Run[]);
  for (let i = 0; i < runs; i++) {
    cases.forEach((c, j) => {
      results[j]!.push(measureNode(c.args, c.cwd));
    });
  }
  for (const t of trees) rmSync(t.dir, { recursive: true, force: true });
  const mid = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const medians = results.map((r) => ({
    wall: mid(r.map((x) => x.wallMs)),
    cpu: mid(r.map((x) => x.cpuMs)),
    rss: mid(r.map((x) => x.peakRssMiB)),
  }));
  const base = medians[0]!;
  const rows: string[][] = [
    ['tree', 'images', 'wall ms', 'CPU ms', 'peak RSS MiB', 'wall over bare node start'],
  ];
  cases.forEach((c, j) => {
    const m = medians[j]!;
    rows.push([
      c.name,
      c.images,
      m.wall.toFixed(0),
      m.cpu.toFixed(0),
      m.rss.toFixed(0),
      `${(m.wall / base.wall).toFixed(1)}×`,
    ]);
  });
  printTable(`pinyard plan (median of ${runs} runs each, interleaved)`, rows);
  benchBigManifest(base.wall);
}

/** The 5 MB images.yml: read (valid) or refused (one typo on the last line), both in linear time. */
function benchBigManifest(baselineWallMs: number): void {
  const rows: string[][] = [
    ['images.yml', 'images', 'wall ms', 'CPU ms', 'peak RSS MiB', 'wall over bare node start'],
  ];
  for (const typo of [false, true]) {
    const dir = writeBigManifest(60_000, typo);
    const all = Array.from({ length: 3 }, () =>
      measureNode([cli, 'plan', '--format', 'json'], dir, typo ? 2 : 0),
    );
    const mid = (values: number[]) => [...values].sort((a, b) => a - b)[1]!;
    const wall = mid(all.map((r) => r.wallMs));
    rows.push([
      typo ? '5 MB, typo on last line' : '5 MB',
      '60000',
      wall.toFixed(0),
      mid(all.map((r) => r.cpuMs)).toFixed(0),
      mid(all.map((r) => r.peakRssMiB)).toFixed(0),
      `${(wall / baselineWallMs).toFixed(1)}×`,
    ]);
    rmSync(dir, { recursive: true, force: true });
  }
  printTable('pinyard plan of a 5 MB images.yml (median of 3 runs)', rows);
}
