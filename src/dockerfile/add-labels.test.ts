import { describe, expect, it } from 'vitest';
import { addLabels } from './add-labels.js';
import { parseDockerfile } from './index.js';

const labels = { 'org.opencontainers.image.version': '1.4', 'dev.note': 'say "hi" for $5 \\o/' };
const add = (text: string, target?: string) =>
  addLabels(text, parseDockerfile(text, { file: 'Dockerfile' }), labels, target);

describe('addLabels', () => {
  it('appends one LABEL instruction with every label, escaped, at the end of the last stage', () => {
    expect(add('FROM alpine\nRUN true')).toBe(
      [
        'FROM alpine',
        'RUN true',
        'LABEL "org.opencontainers.image.version"="1.4" \\',
        '      "dev.note"="say \\"hi\\" for \\$5 \\\\o/"',
        '',
      ].join('\n'),
    );
  });

  it('puts it at the end of the target stage, before the next FROM', () => {
    const text = 'FROM golang AS build\nRUN make\nFROM alpine\nCOPY --from=build /app /app\n';
    const out = add(text, 'BUILD');
    expect(out.split('\n').slice(0, 5)).toEqual([
      'FROM golang AS build',
      'RUN make',
      'LABEL "org.opencontainers.image.version"="1.4" \\',
      '      "dev.note"="say \\"hi\\" for \\$5 \\\\o/"',
      'FROM alpine',
    ]);
    // The result still parses, with the label step inside the target stage.
    expect(parseDockerfile(out, { file: 'Dockerfile' }).stages.map((s) => s.line)).toEqual([1, 5]);
  });
});
