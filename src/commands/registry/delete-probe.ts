import { PinyardError } from '../../errors.js';
import type { Reference } from '../../reference/index.js';
import { computeDigest, type RegistryClient } from '../../registry/index.js';
import { bare } from './tag-digests.js';

/**
 * A digest no manifest can have: its content is not JSON, and a registry stores a manifest under the
 * digest of its own bytes, so a DELETE of it can never remove anything.
 */
const ABSENT = computeDigest(new TextEncoder().encode('pinyard: probing for the right to delete'));

/**
 * Fails unless the account may delete manifests in `repo`, found out without deleting anything: the
 * registry checks the right before it looks for the manifest, so a DELETE of an absent digest is refused
 * (denied), turned down (405: deletes are off in its config) or answered 404 (it would have deleted).
 * Run before anything is written, so a denial changes nothing.
 */
export async function ensureDeleteAllowed(client: RegistryClient, repo: Reference): Promise<void> {
  try {
    await client.deleteManifest({ ...bare(repo), digest: ABSENT });
  } catch (e) {
    // The client reports a 405 as a generic registry failure: its status is in the message.
    if (e instanceof PinyardError && e.code === 'PINYARD_REGISTRY' && /answered 405\b/.test(e.message)) {
      throw new PinyardError(
        'PINYARD_REGISTRY',
        `registry ${repo.registry} does not allow deleting (it answered 405 Unsupported); nothing was changed`,
        {
          hint: 'deletes must be turned on in the registry: `storage: { delete: { enabled: true } }` for the distribution registry',
        },
      );
    }
    throw e;
  }
}
