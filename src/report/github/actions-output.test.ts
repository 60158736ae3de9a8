import { describe, expect, it } from 'vitest';
import { runnerCommands } from '../../../test/helpers/runner-commands.js';
import { ActionsOutput, CommandNeutralizer } from './actions-output.js';
import { addMask, groupStart } from './workflow-commands.js';

const hostile = [
  '::error title=forged::a forged annotation',
  '   ::warning::indented',
  '\t::add-mask::x',
  'progress ##[set-output name=digests;]pwned',
  '::stop-commands::abc',
  '::set-output name=status::succeeded',
  '\u0085::notice::after a NEL',
  'a\r::error::after a CR',
  '\u001b[31m::error::after a colour',
].join('\n');

describe('CommandNeutralizer', () => {
  it('leaves no line the runner would take as a command, and the text reads the same', () => {
    const out = new CommandNeutralizer().text(`${hostile}\n`);
    expect(runnerCommands(out)).toEqual([]);
    expect(out.replaceAll('\u200b', '')).toBe(`${hostile.replace('\u0085', '').replace('\u001b[31m', '')}\n`);
  });

  it('catches a marker split across writes', () => {
    const neutralizer = new CommandNeutralizer();
    const pieces = [' ', ':', ':error::split\n', 'x #', '#', '[warning]split\n', '##', '[debug]x\n'];
    const out = pieces.map((p) => neutralizer.text(p)).join('');
    expect(runnerCommands(out)).toEqual([]);
  });

  it('keeps JSON valid and its values unchanged', () => {
    const json = `${JSON.stringify({ message: '##[set-output name=x;]y', other: '::error::z' }, null, 2)}\n`;
    const out = new CommandNeutralizer({ json: true }).text(json);
    expect(runnerCommands(out)).toEqual([]);
    expect(JSON.parse(out)).toEqual(JSON.parse(json));
  });
});

describe('ActionsOutput', () => {
  const collect = () => {
    let text = '';
    return { out: { write: (s: string) => (text += s) }, text: () => text };
  };

  it('lets pinyard’s own commands through, on a line of their own', () => {
    const sink = collect();
    const out = new ActionsOutput(sink.out);
    out.write('half a line');
    out.command(groupStart('app: built'));
    out.write('::endgroup::\n');
    expect(runnerCommands(sink.text())).toEqual([{ name: 'group', data: 'app: built' }]);
  });

  it('never announces a mask inside a stop-commands window, and its text ends no window', () => {
    let text = '';
    // A secret learnt while the window is open (here: as its text is written) waits for it to close.
    const out: ActionsOutput = new ActionsOutput({
      write: (s: string) => {
        text += s;
        if (s.includes('learn')) out.mask('s3cret-value');
      },
    });
    out.withoutCommands('::tok::\n::add-mask::x\nlearn a secret', 'tok');
    expect(runnerCommands(text)).toEqual([{ name: 'add-mask', data: 's3cret-value' }]);
    expect(text.endsWith(`::tok::\n${addMask('s3cret-value')}`)).toBe(true);
  });
});
