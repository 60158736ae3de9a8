import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { printTable } from './table.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const cli = path.join(repo, 'dist/cli/main.js');
const reporter = fileURLToPath(new URL('./report-cpu.cjs', import.meta.url));

interface Run {
  wallMs: number;
  cpuMs: number;
}

/** One fresh process, as a user starts it, with its wall time and its own CPU time. */
function once(args: string[], env: NodeJS.ProcessEnv): Run {
  const started = performance.now();
  const child = spawnSync(process.execPath, ['--require', reporter, ...args], {
    cwd: repo,
    env,
    encoding: 'utf8',
  });
  const wallMs = performance.now() - started;
  if (child.status !== 0) throw new Error(`node ${args.join(' ')} exited ${child.status}: ${child.stderr}`);
  const cpu = /pinyard-bench-cpu=(\d+)/.exec(child.stderr);
  if (!cpu) throw new Error('the child did not report its CPU time');
  return { wallMs, cpuMs: Number(cpu[1]) / 1000 };
}

/**
 * `pinyard --help` and `plan` of the example tree against a bare `node -e 0`, the floor of any Node CLI
 * (issue 14's target: within 1.5×). The runs of all rows interleave, so a busy machine weighs on each
 * alike; the medians of wall time and of CPU time are shown (CPU time is what a shared machine disturbs
 * least). pinyard's code cache is warm (a first run made it), as for every run after a user's first; the
 * last row is without it.
 */
export function benchStartUp(runs = 21): void {
  const cache = mkdtempSync(path.join(tmpdir(), 'pinyard-bench-cache-'));
  const env = { ...process.env, XDG_CACHE_HOME: cache };
  const cases: Array<{ name: string; args: string[]; env: NodeJS.ProcessEnv }> = [
    { name: 'node -e 0', args: ['-e', '0'], env },
    { name: 'pinyard --help', args: [cli, '--help'], env },
    { name: 'pinyard plan (example tree)', args: [cli, 'plan'], env },
    { name: 'pinyard plan, no code cache', args: [cli, 'plan'], env: { ...env, PINYARD_COMPILE_CACHE: '0' } },
  ];
  for (const c of cases) once(c.args, c.env);
  const results = cases.map(() => [] as Run[]);
  for (let i = 0; i < runs; i++) {
    cases.forEach((c, j) => {
      results[j]!.push(once(c.args, c.env));
    });
  }
  rmSync(cache, { recursive: true, force: true });
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const medians = results.map((r) => ({
    wall: median(r.map((x) => x.wallMs)),
    cpu: median(r.map((x) => x.cpuMs)),
  }));
  const base = medians[0]!;
  const rows = [['command', 'wall ms', 'over node -e 0', 'CPU ms', 'over node -e 0']];
  cases.forEach((c, j) => {
    const m = medians[j]!;
    rows.push([
      c.name,
      m.wall.toFixed(0),
      `${(m.wall / base.wall).toFixed(2)}×`,
      m.cpu.toFixed(0),
      `${(m.cpu / base.cpu).toFixed(2)}×`,
    ]);
  });
  printTable(`start-up (median of ${runs} runs each, interleaved)`, rows);
}
