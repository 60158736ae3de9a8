import { secrets } from '../../credentials/redact.js';
import type { TextOutput } from '../build/output.js';
import { writeMask } from './actions-output.js';

/**
 * From now until the returned function is called, every secret pinyard reads (a password or token from
 * the docker config or a credential helper, a token a registry issues) is announced to the runner with
 * `::add-mask::` before it could reach the log, so even a line pinyard did not redact shows `***`.
 * The runner masks the base64 forms itself (`user:password` is passed whole for `auth` entries).
 * `out` must be the stream the runner reads the groups from (see run.ts): on another stream, a mask
 * could reach the runner while a group's stop-commands window is open, and be printed, not taken.
 */
export function maskSecrets(out: TextOutput): () => void {
  const masked = new Set<string>();
  return secrets.onSecret((secret) => {
    if (masked.has(secret)) return;
    masked.add(secret);
    writeMask(out, secret);
  });
}
