import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Copy, DockerfileParser, From, type Instruction, Run } from 'dockerfile-ast';
import { describe, expect, it } from 'vitest';
import { withoutUnreadInstructions } from './unread-instructions.js';

/**
 * What parseDockerfile takes from dockerfile-ast (directives, everything before the first FROM, every FROM,
 * the flags of COPY and RUN), with positions: it must be the same whether dockerfile-ast read the whole
 * file or the file with the unread instructions emptied.
 */
function whatIsRead(text: string) {
  const dockerfile = DockerfileParser.parse(text);
  let seenFrom = false;
  const instructions = dockerfile.getInstructions().flatMap((instruction) => {
    const read = !seenFrom || instruction instanceof From;
    if (instruction instanceof From) seenFrom = true;
    if (read) return [described(instruction)];
    if (instruction instanceof Copy || instruction instanceof Run) {
      const flags = instruction.getFlags();
      return flags.length ? [{ ...described(instruction), flags: flags.map(describedFlag) }] : [];
    }
    return [];
  });
  return {
    escape: dockerfile.getEscapeCharacter(),
    directives: dockerfile
      .getDirectives()
      .map((d) => ({ name: d.getName(), value: d.getValue(), range: d.getValueRange() })),
    instructions,
  };
}

function described(instruction: Instruction) {
  return {
    keyword: instruction.getKeyword(),
    range: instruction.getInstructionRange(),
    arguments: instruction.getArguments().map((a) => ({ value: a.getValue(), range: a.getRange() })),
    ...(instruction instanceof From
      ? { flags: instruction.getFlags().map(describedFlag) }
      : 'getProperties' in instruction
        ? {
            properties: (instruction as unknown as { getProperties(): Array<PropertyLike> })
              .getProperties()
              .map((p) => ({ name: p.getName(), value: p.getValue(), range: p.getValueRange() })),
          }
        : {}),
  };
}

interface PropertyLike {
  getName(): string;
  getValue(): string | null;
  getValueRange(): unknown;
}

function describedFlag(flag: ReturnType<From['getFlags']>[number]) {
  return {
    name: flag.getName(),
    value: flag.getValue(),
    range: flag.getRange(),
    valueRange: flag.getValueRange(),
    options: flag
      .getOptions()
      .map((o) => ({ name: o.getName(), value: o.getValue(), range: o.getValueRange() })),
  };
}

const repo = fileURLToPath(new URL('../..', import.meta.url));
const exampleDockerfiles = readdirSync(path.join(repo, 'images'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => readFileSync(path.join(repo, 'images', entry.name, 'Dockerfile'), 'utf8'));

/** Continuations, comments and blank lines inside them, odd escapes, line endings, flags in odd places. */
const tricky = [
  'FROM alpine\nRUN apk add --no-cache curl\nENV A=1 \\\n    B=2\nLABEL x=y\nCMD ["sh"]\n',
  'FROM alpine AS build\nRUN --mount=type=cache,target=/root/.cache go build\nFROM scratch\nCOPY --from=build /out /out\n',
  'FROM alpine\nRUN echo a \\\n# a comment inside\n\n    && echo b\nCOPY --from=tools /x /x\n',
  'FROM alpine\nRUN echo \\ \nCOPY --from=x /a /a\nRUN echo \\ x\nCOPY --from=y /b /b\n',
  'FROM alpine\nRUN echo \\  \t\n  --mount=type=bind,from=z,target=/z\nRUN a--b --mount=type=cache,target=/c c\n',
  'FROM alpine\r\nRUN echo a \\\r\n  b\r\nCOPY --from=x /a /a\r\nENV A=1\r\n',
  'FROM alpine\rRUN echo a \\\r  b\rCOPY --from=x /a /a\rENV A=1\r',
  '  from alpine as base\n  run   echo hi\n\tcopy --from=base /a /b\n  onbuild COPY --from=other /c /d\n',
  'FROM alpine\nRUN "--mount=type=cache,target=/x" echo\nRUN \'--mount=type=cache\' echo\nRUN ["echo", "--mount"]\n',
  'FROM alpine\nRUN -\\\n-mount=type=cache,target=/x echo\nCOPY -\\-from=x /a /a\nRUN \\\n --mount=type=bind,from=y,target=/y true\n',
  'FROM alpine\nRUN\nCOPY\nRUN \nCOPY --from\nFROM\n',
  'ARG BASE=alpine\nARG TAG\nFROM ${BASE}:${TAG:-3.20}\nARG LATE=x\nRUN echo $LATE\n',
  'RUN echo before\nFROM alpine\n',
  '# syntax=docker/dockerfile:1\n# check=error=true\nFROM alpine\nRUN true\n',
  '# escape=`\nFROM alpine\nRUN echo a `\n  b\nCOPY --from=x /a /a\n',
  'FROM alpine\nRUN <<EOF\nFROM not-an-image\nCOPY --from=nope /a /a\nEOF\nCOPY --from=x /a /a\n',
  'FROM alpine\nRUN cat <\\<EOF\nCOPY --from=nope /a /a\nEOF\n',
  'FROM alpine\nRU\\\nN --mount=type=cache,target=/x true\nCOPY --from=x /a /a\n',
  'FROM alpine\nRUN echo a \\',
  'FROM alpine\nRUN echo a \\ ',
  'FROM alpine\nCOPY --chown=1:1 --from=x /a /a\nCOPY src/ ./\n#RUN --mount=type=cache,target=/x\nRUN #x --mount=type=cache,target=/y\n',
  '\uFEFFFROM alpine\nRUN echo\nCOPY --from=x /a /a\n',
  'FROM alpine\nHEALTHCHECK --interval=5s CMD true\nFROM alpine AS two\nEXPOSE 80\nFROM two\n',
  // Continuation lines that look like instructions dockerfile-ast would read, were they not continued.
  'FROM alpine\nRUN echo a \\\nCOPY --from=x /a /a\nENV A=1 \\\n  FROM b\nRUN x \\\n\n\nFROM c\n',
  'FROM alpine\nRUN a \\\n# a comment\nCOPY --from=x /a /a\nRUN b \\\n  # indented comment \\\n\nFROM c\n',
  'FROM alpine\nRUN echo \\ \\\nCOPY --from=x /a /a\nRUN echo \\ \\\nFROM b\n',
  'FROM alpine\n# escape=`\nRUN echo a `\n  b\nCOPY --from=x /a /a\n  # syntax=other\nFROM b\n',
  '# check=error=true\n\n# escape=`\nFROM alpine\nRUN echo a `\n  b\nCOPY --from=x /a /a\n',
  'FROM alpine\nRUN echo \\ \n\nCOPY --from=x /a /a\nRUN echo \\\t\n# comment\nCOPY --from=y /b /b\n',
  'FROM alpine\nRUN a \\\n   \nCOPY --from=x /a /a\nRUN b \\\n  # indented comment\nFROM c\n',
  'FROM alpine\nLABEL a=b \\\r\nCOPY --from=x /a /a\r\nLABEL c=d \\\rFROM e\r',
];

describe('withoutUnreadInstructions', () => {
  it.each([...exampleDockerfiles, ...tricky].map((text, i) => [i, text]))(
    'gives dockerfile-ast the same instructions to read, at the same positions (#%i)',
    (_, text) => {
      expect(whatIsRead(withoutUnreadInstructions(text))).toEqual(whatIsRead(text));
    },
  );

  it('keeps every line: each line is the one written, or blank', () => {
    for (const text of [...exampleDockerfiles, ...tricky]) {
      const reduced = withoutUnreadInstructions(text).split(/\r\n|\r|\n/);
      const lines = text.split(/\r\n|\r|\n/);
      expect(reduced).toHaveLength(lines.length);
      reduced.forEach((line, i) => {
        // The blanks before an emptied instruction stay; they are nothing to dockerfile-ast.
        if (line.trim() !== '') expect(line).toBe(lines[i]);
        else expect(lines[i]!.startsWith(line)).toBe(true);
      });
    }
  });

  it('empties what pinyard never reads (comments after the first FROM included) and keeps the rest', () => {
    const text = [
      '# syntax=docker/dockerfile:1',
      'ARG BASE=alpine',
      'FROM ${BASE} AS build',
      '# a comment',
      'ENV A=1 \\',
      '    B=2',
      'RUN apk add --no-cache curl',
      'RUN --mount=type=cache,target=/c make',
      'COPY src/ ./',
      'COPY --from=build /out /out',
      'CMD ["run"]',
    ].join('\n');
    expect(withoutUnreadInstructions(text)).toBe(
      [
        '# syntax=docker/dockerfile:1',
        'ARG BASE=alpine',
        'FROM ${BASE} AS build',
        '',
        '',
        '',
        '',
        'RUN --mount=type=cache,target=/c make',
        '',
        'COPY --from=build /out /out',
        '',
      ].join('\n'),
    );
  });

  it('gives back the whole text when a heredoc or an escape directive makes the boundaries unsure', () => {
    for (const text of [
      'FROM alpine\nRUN <<EOF\necho\nEOF\n',
      '# escape=`\nFROM alpine\nRUN echo\n',
      'FROM alpine\nR\\UN echo\n',
    ]) {
      expect(withoutUnreadInstructions(text)).toBe(text);
    }
  });
});
