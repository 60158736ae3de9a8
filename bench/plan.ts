import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { measureNode, medianOf } from './measure.js';
import { writeBigManifest, writeSyntheticTree } from './synthetic-tree.js';
import { printTable } from './table.js';

const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

/**
 * `pinyard plan --format json` on synthetic trees of 100, 1,000 and 2,000 images, wide and deep, as a user
 * runs it (a fresh process, reading every Dockerfile). The baseline is a bare `node` start, the floor any
 * Node CLI pays.
 */
export function benchPlan(): void {
  const baseline = medianOf(5, () => measureNode(['-e', ''], process.cwd()));
  const rows: string[][] = [['tree', 'images', 'wall ms', 'peak RSS MiB', 'over bare node start']];
  rows.push(['(bare node start)', '-', baseline.wallMs.toFixed(0), baseline.peakRssMiB.toFixed(0), '1.0×']);
  for (const shape of ['wide', 'deep'] as const) {
    for (const count of [100, 1000, 2000]) {
      const dir = writeSyntheticTree(count, shape);
      const m = medianOf(5, () => measureNode([cli, 'plan', '--format', 'json'], dir));
      rows.push([
        shape,
        String(count),
        m.wallMs.toFixed(0),
        m.peakRssMiB.toFixed(0),
        `${(m.wallMs / baseline.wallMs).toFixed(1)}×`,
      ]);
      rmSync(dir, { recursive: true, force: true });
    }
  }
  // The 5 MB images.yml: read (valid) or refused (one typo on the last line), both in linear time.
  for (const typo of [false, true]) {
    const dir = writeBigManifest(60_000, typo);
    const m = medianOf(3, () => measureNode([cli, 'plan', '--format', 'json'], dir, typo ? 2 : 0));
    rows.push([
      typo ? '5 MB images.yml, typo on last line' : '5 MB images.yml',
      '60000',
      m.wallMs.toFixed(0),
      m.peakRssMiB.toFixed(0),
      `${(m.wallMs / baseline.wallMs).toFixed(1)}×`,
    ]);
    rmSync(dir, { recursive: true, force: true });
  }
  printTable('pinyard plan (median of 5 runs; 3 for the 5 MB files)', rows);
}
