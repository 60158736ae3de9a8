import { secrets } from '../../registry/redact.js';
import type { TextOutput } from '../build/output.js';
import { addMask } from './workflow-commands.js';

/**
 * From now until the returned function is called, every secret pinyard reads (a password or token from
 * the docker config or a credential helper, a token a registry issues) is announced to the runner with
 * `::add-mask::` before it could reach the log, so even a line pinyard did not redact shows `***`.
 * The runner masks the base64 forms itself (`user:password` is passed whole for `auth` entries).
 */
export function maskSecrets(out: TextOutput): () => void {
  const masked = new Set<string>();
  return secrets.onSecret((secret) => {
    if (masked.has(secret)) return;
    masked.add(secret);
    out.write(addMask(secret));
  });
}
