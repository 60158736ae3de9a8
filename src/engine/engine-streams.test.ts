import { readFileSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { describe, expect, it } from 'vitest';
import { secrets } from '../credentials/redact.js';
import { BuildOutput, formatStep, LAST_LINES } from './build-output.js';
import { JsonLines, type JsonMessage } from './json-lines.js';
import { TransferOutput } from './transfer-output.js';
import type { BuildStep } from './types.js';

/**
 * The fixtures are dockerd 20.10.24's answers, saved byte for byte with curl: `POST /build` (classic
 * builder) with a FROM that pulls, a rebuild from cache, a RUN that exits 3, a FROM whose image does not
 * exist; `POST /images/{name}/push` that works and that is denied; `POST /images/create`.
 */
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

/** The messages of a raw stream delivered in chunks of `size` bytes, as a socket might cut it. */
function messagesOf(raw: Buffer, size = raw.length): JsonMessage[] {
  const lines = new JsonLines();
  const decoder = new StringDecoder('utf8');
  const messages: JsonMessage[] = [];
  for (let i = 0; i < raw.length; i += size)
    messages.push(...lines.push(decoder.write(raw.subarray(i, i + size))));
  return [...messages, ...lines.push(decoder.end()), ...lines.end()];
}

function followBuild(raw: Buffer, size?: number) {
  const steps: BuildStep[] = [];
  const lines: string[] = [];
  const output = new BuildOutput({ onStep: (s) => steps.push(s), onLine: (l) => lines.push(l) });
  for (const message of messagesOf(raw, size)) output.accept(message);
  output.end();
  return { output, steps, lines };
}

describe('JsonLines', () => {
  it('keeps a character whose bytes arrive in different chunks whole', () => {
    const raw = Buffer.from('{"stream":"héllo ✓\\n"}\r\n{"stream":"next\\n"}\r\n');
    expect(messagesOf(raw, 1)).toEqual([{ stream: 'héllo ✓\n' }, { stream: 'next\n' }]);
  });

  it('keeps a line that is not JSON as output, and a last message without a newline', () => {
    expect(messagesOf(Buffer.from('plain text\r\n\r\n{"aux":{"ID":"sha256:1"}}'))).toEqual([
      { stream: 'plain text\n' },
      { aux: { ID: 'sha256:1' } },
    ]);
  });
});

describe('BuildOutput', () => {
  it('reports each step, the pull of the FROM image as docker prints it, and the image ID', () => {
    const { output, steps, lines } = followBuild(fixture('build-pull-ok.jsonl'));
    expect(steps.map(formatStep)).toEqual([
      'Step 1/4 : FROM docker.io/library/caddy:2-alpine@sha256:cb3b87cf75eb8361ffa61070803f0c3ea4d6ff4d4f572aac6bf4f694261d20d0',
      'Step 2/4 : ARG X=1',
      'Step 3/4 : LABEL a=b',
      'Step 4/4 : RUN echo built $X',
    ]);
    expect(lines).toContain('e42b985ffcd8: Pull complete');
    expect(lines).toContain('built 1');
    // Progress bars are not log lines.
    expect(lines.filter((l) => l.includes('Extracting'))).toEqual([]);
    expect(lines.at(-1)).toBe('Successfully tagged fx:2');
    expect(output.imageId).toBe('sha256:09522386065e52bad044527e027a18509fea1f1e9d22dcdd94ef3ee4aaff167a');
    expect(output.error).toBeUndefined();
  });

  it('drops escape sequences and control characters from the engine’s error, as from its lines', () => {
    const output = new BuildOutput();
    output.accept({ stream: '\u001b[31mboom\u001b[0m\n' });
    output.accept({ errorDetail: { message: 'failed\u001b[2K\u001b]0;t\u0007 here\u0008!' } });
    expect(output.lastLines).toEqual(['boom']);
    expect(output.error).toBe('failed here!');
  });

  it('reads a build from cache the same way', () => {
    const { output, steps } = followBuild(fixture('build-cached.jsonl'));
    expect(steps).toHaveLength(4);
    expect(output.imageId).toBe('sha256:09522386065e52bad044527e027a18509fea1f1e9d22dcdd94ef3ee4aaff167a');
  });

  it('turns an errorDetail inside the 200 stream into the failing step, its message and its own lines', () => {
    const { output, lines } = followBuild(fixture('build-run-fails.jsonl'));
    expect(output.imageId).toBeUndefined();
    expect(output.step).toEqual({ number: 4, total: 4, instruction: 'RUN printf "l1\\nl2\\nl3\\n"; exit 3' });
    expect(output.error).toBe(
      `The command '/bin/sh -c printf "l1\\nl2\\nl3\\n"; exit 3' returned a non-zero code: 3`,
    );
    expect(output.lastLines).toEqual(['l1', 'l2', 'l3']);
    // A RUN's stderr comes wrapped in ANSI red; the lines keep the text only.
    expect(lines).toContain('oops');
  });

  it('reports a FROM that cannot be pulled as a failure of step 1', () => {
    const { output } = followBuild(fixture('build-from-missing.jsonl'));
    expect(output.step?.instruction).toBe('FROM 127.0.0.1:5100/nothere/x:1');
    expect(output.error).toMatch(/^manifest for 127.0.0.1:5100\/nothere\/x:1 not found/);
  });

  it.each([1, 2, 7, 64])('gives the same result when the socket delivers %i bytes at a time', (size) => {
    for (const name of ['build-pull-ok.jsonl', 'build-run-fails.jsonl']) {
      const whole = followBuild(fixture(name));
      const cut = followBuild(fixture(name), size);
      expect(cut.lines).toEqual(whole.lines);
      expect(cut.output.error).toBe(whole.output.error);
    }
  });

  it(`keeps the last ${LAST_LINES} lines of the step`, () => {
    const output = new BuildOutput();
    output.accept({ stream: 'Step 1/1 : RUN seq 100\n' });
    output.accept({ stream: `${Array.from({ length: 100 }, (_, i) => i + 1).join('\n')}\n` });
    expect(output.lastLines).toEqual(Array.from({ length: LAST_LINES }, (_, i) => String(81 + i)));
  });

  it('shows what a terminal would of \\r redraws, and a last line without a newline', () => {
    const lines: string[] = [];
    const output = new BuildOutput({ onLine: (l) => lines.push(l) });
    output.accept({ stream: 'Step 1/1 : RUN wget x\n' });
    output.accept({ stream: ' 10% |**   |\r 100% |*****|\r\n' });
    output.accept({ stream: 'done' });
    output.end();
    expect(lines).toEqual(['Step 1/1 : RUN wget x', ' 100% |*****|', 'done']);
  });

  it('masks secrets pinyard knows of in every line', () => {
    secrets.add('s3cr3t-build-pass');
    const lines: string[] = [];
    const output = new BuildOutput({ onLine: (l) => lines.push(l) });
    output.accept({ stream: 'Step 1/1 : RUN echo $PASS\n' });
    output.accept({ stream: 'password is s3cr3t-build-pass\n' });
    expect(lines[1]).toBe('password is ***');
    expect(output.lastLines).toEqual(['password is ***']);
  });
});

function followTransfer(name: string) {
  const lines: string[] = [];
  const output = new TransferOutput((l) => lines.push(l));
  for (const message of messagesOf(fixture(name), 5)) output.accept(message);
  return { output, lines };
}

describe('TransferOutput', () => {
  it('takes the digest and size of a push from its final aux message', () => {
    const { output, lines } = followTransfer('push-ok.jsonl');
    expect(output.pushed).toEqual({
      digest: 'sha256:62391cb727ce0c8f66c709bdcf33dd0407ba407b04dc3fdb3f74090888c910f2',
      size: 735,
    });
    expect(output.error).toBeUndefined();
    expect(lines).toEqual([
      'The push refers to repository [127.0.0.1:41369/dev/fx]',
      '042ab23f2016: Preparing',
      '167b0709ef6f: Preparing',
      '042ab23f2016: Pushed',
      '167b0709ef6f: Pushed',
      '2: digest: sha256:62391cb727ce0c8f66c709bdcf33dd0407ba407b04dc3fdb3f74090888c910f2 size: 735',
    ]);
  });

  it('finds the refusal inside a push stream that began with 200, on one line', () => {
    const { output } = followTransfer('push-denied.jsonl');
    expect(output.pushed).toBeUndefined();
    expect(output.error).toBe(
      'denied: requested access to the resource is denied; unauthorized: authentication required',
    );
  });

  it('follows a pull to its end', () => {
    const { output, lines } = followTransfer('pull-ok.jsonl');
    expect(output.error).toBeUndefined();
    expect(lines.at(-1)).toBe('Status: Downloaded newer image for 127.0.0.1:41369/dev/fx:2');
  });
});
