import { randomBytes } from 'node:crypto';
import { PinyardError } from '../../errors.js';
import { formatReference, type Reference } from '../../reference/index.js';
import type { FetchedManifest, RegistryClient } from '../../registry/index.js';
import { placeholderManifest } from './placeholder.js';
import { bare } from './tag-digests.js';

/**
 * Removes one tag and leaves its digest, and every other tag on it, in place. Registry 2.8 (like the
 * distribution spec before 1.1) deletes by digest only, so the tag is first pointed at a placeholder
 * manifest of its own, and the placeholder is deleted: that takes exactly the one tag.
 *
 * `original` is the manifest the tag points at now. Should deleting the placeholder fail, the tag is put
 * back on it: a tag left on the placeholder would hand whoever pulls it an empty image. For the same
 * reason SIGINT and SIGTERM are held from the moment the tag moves until it is gone: one that arrives
 * then lets the request under way finish, puts the tag back on `original`, and ends the command
 * (PINYARD_INTERRUPTED) with nothing removed.
 */
export async function untag(
  client: RegistryClient,
  repo: Reference,
  tag: string,
  original: FetchedManifest,
  /** Tells the user an interrupt was heard and what happens before the command ends. */
  say: (line: string) => void = () => {},
): Promise<void> {
  const at = bare(repo);
  const nonce = randomBytes(8).toString('hex');
  const placeholder = placeholderManifest(
    `${tag} removed by pinyard at ${new Date().toISOString()} (${nonce})`,
  );
  if (!(await client.headBlob(at, placeholder.configDigest))) {
    await client.uploadBlob(at, placeholder.config, placeholder.configDigest, placeholder.config.length);
  }
  const where = formatReference({ ...at, tag });
  const interrupts = holdInterrupts((signal) =>
    say(`${signal}: putting ${where} back on ${original.digest} once the request under way has ended\n`),
  );
  try {
    await client.putManifest(at, tag, placeholder.manifest, placeholder.mediaType);
    if (interrupts.received)
      return await putBack(client, at, tag, original, placeholder.digest, interrupts.received);
    await deletePlaceholder(client, at, tag, original, placeholder.digest);
    if (interrupts.received) return await putBack(client, at, tag, original, undefined, interrupts.received);
  } finally {
    interrupts.release();
  }
}

async function deletePlaceholder(
  client: RegistryClient,
  at: Reference,
  tag: string,
  original: FetchedManifest,
  placeholder: string,
): Promise<void> {
  try {
    await client.deleteManifest({ ...at, digest: placeholder });
  } catch (e) {
    const restored = await client.putManifest(at, tag, original.bytes, original.mediaType).then(
      () => true,
      () => false,
    );
    if (!(e instanceof PinyardError)) throw e;
    const where = formatReference({ ...at, tag });
    throw new PinyardError(e.code, e.message, {
      hint: restored
        ? `${where} points at ${original.digest} again, as before; ${e.hint ?? 'run again'}`
        : `${where} still points at the empty placeholder ${placeholder}: push it back with pinyard or skopeo (it was ${original.digest}); ${e.hint ?? ''}`.trim(),
    });
  }
}

/**
 * After an interrupt: the tag back on `original` (and the placeholder, untagged by then, deleted when it
 * is still there), then the end of the command.
 */
async function putBack(
  client: RegistryClient,
  at: Reference,
  tag: string,
  original: FetchedManifest,
  placeholder: string | undefined,
  signal: NodeJS.Signals,
): Promise<never> {
  const where = formatReference({ ...at, tag });
  await client.putManifest(at, tag, original.bytes, original.mediaType);
  if (placeholder) await client.deleteManifest({ ...at, digest: placeholder }).catch(() => undefined);
  throw new PinyardError(
    'PINYARD_INTERRUPTED',
    `interrupted (${signal}): ${where} points at ${original.digest} again, as before; nothing was removed`,
    {
      hint: 'run the command again to remove the tag',
    },
  );
}

/** SIGINT and SIGTERM from now until `release`, remembered instead of ending the process. */
function holdInterrupts(heard: (signal: NodeJS.Signals) => void): {
  readonly received: NodeJS.Signals | undefined;
  release(): void;
} {
  let received: NodeJS.Signals | undefined;
  const hold = (signal: NodeJS.Signals) => {
    if (received) return;
    received = signal;
    heard(signal);
  };
  process.on('SIGINT', hold);
  process.on('SIGTERM', hold);
  return {
    get received() {
      return received;
    },
    release() {
      process.off('SIGINT', hold);
      process.off('SIGTERM', hold);
    },
  };
}
