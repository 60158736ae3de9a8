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
 * back on it: a tag left on the placeholder would hand whoever pulls it an empty image.
 */
export async function untag(
  client: RegistryClient,
  repo: Reference,
  tag: string,
  original: FetchedManifest,
): Promise<void> {
  const at = bare(repo);
  const nonce = randomBytes(8).toString('hex');
  const placeholder = placeholderManifest(
    `${tag} removed by pinyard at ${new Date().toISOString()} (${nonce})`,
  );
  if (!(await client.headBlob(at, placeholder.configDigest))) {
    await client.uploadBlob(at, placeholder.config, placeholder.configDigest, placeholder.config.length);
  }
  await client.putManifest(at, tag, placeholder.manifest, placeholder.mediaType);
  try {
    await client.deleteManifest({ ...at, digest: placeholder.digest });
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
        : `${where} still points at the empty placeholder ${placeholder.digest}: push it back with pinyard or skopeo (it was ${original.digest}); ${e.hint ?? ''}`.trim(),
    });
  }
}
