import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PinyardError } from '../../errors.js';
import type { BuildReport } from './events.js';
import { blockedError } from './format.js';
import { jsonReport, jsonReportWriter } from './json-report.js';

const digest = `sha256:${'a'.repeat(64)}`;
const hash = `sha256:${'c'.repeat(64)}`;

/** Keys in a jumbled order, as a core building objects piecemeal might leave them. */
const report: BuildReport = {
  durationMs: 15_600,
  images: [
    {
      parents: [],
      tags: ['pyd-cccccccccccc', '3.20'],
      durationMs: 12_345,
      hash,
      digest,
      status: 'built',
      name: 'base',
    },
    {
      name: 'cli',
      error: blockedError('base'),
      status: 'blocked',
      tags: [],
      parents: ['base'],
      durationMs: 0,
    },
  ],
  tagsMoved: false,
  status: 'failed',
  version: 1,
};

const expected = `{
  "version": 1,
  "status": "failed",
  "tagsMoved": false,
  "durationMs": 15600,
  "images": [
    {
      "name": "base",
      "status": "built",
      "digest": "${digest}",
      "tags": [
        "pyd-cccccccccccc",
        "3.20"
      ],
      "hash": "${hash}",
      "parents": [],
      "durationMs": 12345
    },
    {
      "name": "cli",
      "status": "blocked",
      "tags": [],
      "parents": [
        "base"
      ],
      "durationMs": 0,
      "error": {
        "code": "PINYARD_BLOCKED",
        "message": "blocked by base"
      }
    }
  ]
}
`;

describe('jsonReport', () => {
  it('writes the report (DESIGN.md keys, in a fixed order) once the run is over', () => {
    let out = '';
    const hooks = jsonReport({
      write: (text) => {
        out += text;
      },
    });
    hooks.onImageFinished?.(report.images[0]!);
    expect(out).toBe('');
    hooks.onRunFinished?.(report);
    expect(out).toBe(expected);
  });
});

describe('jsonReportWriter', () => {
  it('writes the same report to a file, creating its directory', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'pinyard-report-')), 'out', 'report.json');
    jsonReportWriter(file).onRunFinished?.(report);
    expect(readFileSync(file, 'utf8')).toBe(expected);
  });

  it('says which file it could not write and what to do', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pinyard-report-'));
    writeFileSync(path.join(dir, 'taken'), '');
    const file = path.join(dir, 'taken', 'report.json');
    let thrown: unknown;
    try {
      jsonReportWriter(file).onRunFinished?.(report);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PinyardError);
    expect(thrown).toMatchObject({
      code: 'PINYARD_WRITE_FAILED',
      message: expect.stringMatching(new RegExp(`^could not write the build report to ${file}: `)),
      hint: 'give --report a path in a writable directory',
    });
  });
});
