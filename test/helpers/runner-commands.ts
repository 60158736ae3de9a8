/**
 * The workflow commands the GitHub Actions runner would act on in a step's output, found the way the
 * runner finds them (actions/runner `ActionCommandManager` and `ActionCommand.TryParseV2`/`TryParse`), but
 * stricter: every command name counts, not only the registered ones.
 *
 * - The output is split into lines at LF, CR and CRLF (.NET `StreamReader.ReadLine`).
 * - `::name props::data` once leading white space is trimmed; `##[name props]data` anywhere in a line.
 * - `::stop-commands::TOKEN` makes the runner ignore every line until `::TOKEN::`.
 *
 * The stop-commands pairs are left out of the result; a window still open at the end is reported as
 * `{ name: 'stop-commands', data: TOKEN }`.
 */
export interface RunnerCommand {
  name: string;
  data: string;
  properties?: string;
}

export function runnerCommands(output: string): RunnerCommand[] {
  const commands: RunnerCommand[] = [];
  let stopToken: string | undefined;
  for (const line of output.split(/\r\n|\r|\n/)) {
    const command = parse(line);
    if (!command) continue;
    if (stopToken !== undefined) {
      if (command.name.toLowerCase() === stopToken.toLowerCase()) stopToken = undefined;
      continue;
    }
    if (command.name === 'stop-commands') {
      stopToken = command.data;
      continue;
    }
    commands.push(command);
  }
  if (stopToken !== undefined) commands.push({ name: 'stop-commands', data: stopToken });
  return commands;
}

function parse(line: string): RunnerCommand | undefined {
  const trimmed = line.replace(/^[\s\u0085]+/, '');
  if (trimmed.startsWith('::')) {
    const end = trimmed.indexOf('::', 2);
    if (end !== -1) return command(trimmed.slice(2, end), unescapeData(trimmed.slice(end + 2)));
  }
  const prefix = line.indexOf('##[');
  if (prefix !== -1) {
    const end = line.indexOf(']', prefix);
    if (end !== -1) return command(line.slice(prefix + 3, end), unescapeData(line.slice(end + 1)));
  }
  return undefined;
}

function command(info: string, data: string): RunnerCommand | undefined {
  const space = info.indexOf(' ');
  const name = space === -1 ? info : info.slice(0, space);
  if (name === '') return undefined;
  return { name, data, ...(space === -1 ? {} : { properties: info.slice(space + 1) }) };
}

function unescapeData(data: string): string {
  return data.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}
