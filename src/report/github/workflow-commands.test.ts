import { describe, expect, it } from 'vitest';
import {
  addMask,
  errorAnnotation,
  escapeData,
  escapeProperty,
  groupEnd,
  groupStart,
  withoutCommands,
  workflowCommand,
} from './workflow-commands.js';

describe('escaping (what the runner unescapes)', () => {
  it.each([
    ['plain text', 'plain text', 'plain text'],
    ['100% done', '100%25 done', '100%25 done'],
    ['two\nlines', 'two%0Alines', 'two%0Alines'],
    ['crlf\r\n', 'crlf%0D%0A', 'crlf%0D%0A'],
    ['host:5000/app', 'host:5000/app', 'host%3A5000/app'],
    ['a,b', 'a,b', 'a%2Cb'],
    // `%` first: an escape already in the text must survive as text, not become the character.
    ['%0A', '%250A', '%250A'],
  ])('%j → data %j, property %j', (text, data, property) => {
    expect(escapeData(text)).toBe(data);
    expect(escapeProperty(text)).toBe(property);
  });
});

describe('workflow commands', () => {
  it('formats ::name key=value,…::message, leaving out properties without a value', () => {
    expect(workflowCommand('warning', { file: 'a,b.yml', line: 3, col: undefined }, 'x: y')).toBe(
      '::warning file=a%2Cb.yml,line=3::x: y\n',
    );
    expect(workflowCommand('endgroup', {})).toBe('::endgroup::\n');
  });

  it('annotates an error at a file, line and column with a multi-line message', () => {
    expect(
      errorAnnotation({
        file: 'images/app/Dockerfile',
        line: 4,
        col: 1,
        title: 'app failed at step 3/5 RUN make',
        message: 'exit code 2\n| make: *** [all] Error 2',
      }),
    ).toBe(
      '::error file=images/app/Dockerfile,line=4,col=1,title=app failed at step 3/5 RUN make::exit code 2%0A| make: *** [all] Error 2\n',
    );
    expect(errorAnnotation({ message: 'no position' })).toBe('::error::no position\n');
  });

  it('opens and closes a group, and masks a secret', () => {
    expect(groupStart('app: built in 1.0s')).toBe('::group::app: built in 1.0s\n');
    expect(groupEnd()).toBe('::endgroup::\n');
    expect(addMask('s3cr%t')).toBe('::add-mask::s3cr%25t\n');
  });

  it('pauses command processing around text that could hold commands of its own', () => {
    const log = 'Step 1/2 : RUN echo ::add-mask::x\n::error::not ours';
    expect(withoutCommands(log, 'tok-123')).toBe(`::stop-commands::tok-123\n${log}\n::tok-123::\n`);
    expect(withoutCommands('', 'tok-123')).toBe('');
  });
});
