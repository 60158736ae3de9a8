/**
 * GitHub Actions workflow commands (`::name key=value,…::message`), as the runner parses them from a
 * step's stdout and stderr. Escaping follows the runner's unescaping (actions/toolkit `command.ts`):
 * data escapes `%`, CR and LF; property values also `:` and `,`, which delimit properties.
 */

export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** One command line, newline included. Properties without a value are left out. */
export function workflowCommand(
  name: string,
  properties: Record<string, string | number | undefined>,
  message = '',
): string {
  const props = Object.entries(properties)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
    .join(',');
  return `::${name}${props ? ` ${props}` : ''}::${escapeData(message)}\n`;
}

export interface Annotation {
  /** Path relative to the repository root, so GitHub can link the line in the diff and the file view. */
  file?: string;
  line?: number;
  col?: number;
  title?: string;
  message: string;
}

export function errorAnnotation(annotation: Annotation): string {
  const { message, ...properties } = annotation;
  return workflowCommand('error', properties, message);
}

export function warningAnnotation(annotation: Annotation): string {
  const { message, ...properties } = annotation;
  return workflowCommand('warning', properties, message);
}

export function groupStart(title: string): string {
  return workflowCommand('group', {}, title);
}

export function groupEnd(): string {
  return workflowCommand('endgroup', {});
}

/** From this line on, the runner replaces the value with *** in every log line of the job. */
export function addMask(secret: string): string {
  return workflowCommand('add-mask', {}, secret);
}

/**
 * Text that must not be read as commands (a build's own output could print `::add-mask::` or
 * `::error::`), between the runner's stop-commands markers. `token` must be unguessable by whoever
 * wrote the text, or the text could end the pause itself.
 */
export function withoutCommands(text: string, token: string): string {
  if (text === '') return '';
  const body = text.endsWith('\n') ? text : `${text}\n`;
  return `${workflowCommand('stop-commands', {}, token)}${body}::${token}::\n`;
}
