import { StringDecoder } from 'node:string_decoder';
import { JsonLines, type JsonMessage } from './json-lines.js';

/**
 * Feeds every JSON message of an engine response stream to `accept`, as it arrives, without keeping them
 * (a build log can be large). Aborting `signal` destroys the stream, which closes the connection: that is
 * what makes dockerd cancel a build or a push.
 */
export async function readMessages(
  stream: NodeJS.ReadableStream,
  accept: (message: JsonMessage) => void,
  signal?: AbortSignal,
): Promise<void> {
  const lines = new JsonLines();
  const decoder = new StringDecoder('utf8');
  const onAbort = () =>
    (stream as NodeJS.ReadableStream & { destroy(error?: unknown): void }).destroy(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (signal?.aborted) onAbort();
    for await (const chunk of stream) {
      for (const message of lines.push(decoder.write(chunk as Buffer))) accept(message);
    }
    for (const message of [...lines.push(decoder.end()), ...lines.end()]) accept(message);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
