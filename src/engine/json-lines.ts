/**
 * The engine's progress streams are JSON messages, one per line (`\r\n` from dockerd). Chunks split them
 * anywhere, multi-byte characters included, so this takes decoded text and hands back whole messages. Pure.
 */
export class JsonLines {
  #buffer = '';

  /** The messages completed by `text`; a line that is not JSON comes back as `{ stream: line }`. */
  push(text: string): JsonMessage[] {
    this.#buffer += text;
    const lines = this.#buffer.split('\n');
    this.#buffer = lines.pop() ?? '';
    return lines.flatMap(parseLine);
  }

  /** Whatever the stream ended with, without a final newline. */
  end(): JsonMessage[] {
    const rest = this.#buffer;
    this.#buffer = '';
    return parseLine(rest);
  }
}

/** The fields of docker's jsonmessage.JSONMessage that pinyard reads. */
export interface JsonMessage {
  stream?: string;
  status?: string;
  id?: string;
  /** Present on progress-bar updates ("Downloading", "Pushing"), which are not worth a log line. */
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  aux?: Record<string, unknown>;
  error?: string;
  errorDetail?: { code?: number; message?: string };
}

function parseLine(line: string): JsonMessage[] {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  if (text.trim() === '') return [];
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return [value as JsonMessage];
  } catch {
    // Not JSON: an old or proxied engine printing plain text. Keep it as output rather than lose it.
  }
  return [{ stream: `${text}\n` }];
}
