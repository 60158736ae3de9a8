/**
 * Scrubs credentials from any text that leaves the registry client (error messages, hints, details copied
 * from a registry's or a credential helper's answer). Two nets: every secret pinyard has loaded or been
 * issued is remembered and replaced wherever it shows up, in its raw, base64 and URL-encoded forms; and
 * anything shaped like a credential (Authorization values, JWTs, URL user-info, token query parameters)
 * is masked even when pinyard never saw it.
 */

const MASK = '***';
/** Shorter strings would mask ordinary words; no real password, token or auth string is that short. */
const MIN_SECRET_LENGTH = 4;

const secretName = '(?:(?:access_|refresh_|registry|identity)?token|password|secret)';

const shapes: [RegExp, string][] = [
  [/\b(authorization\s*[:=]\s*)("?)[^"\r\n,]+\2/gi, `$1${MASK}`],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, `$1 ${MASK}`],
  [/\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, MASK],
  [/(\/\/)[^/\s:@]+:[^/\s@]+@/g, `$1${MASK}@`],
  [new RegExp(`\\b(${secretName})=[^&\\s"',;]+`, 'gi'), `$1=${MASK}`],
  [new RegExp(`"(${secretName})"\\s*:\\s*"[^"]*"`, 'gi'), `"$1":"${MASK}"`],
];

export class Redactor {
  readonly #secrets = new Set<string>();
  readonly #listeners = new Set<(secret: string) => void>();

  /** Remember a secret; `user:password` pairs are passed whole so their base64 form is caught too. */
  add(...secrets: (string | undefined)[]): void {
    for (const secret of secrets) {
      if (!secret || secret.length < MIN_SECRET_LENGTH) continue;
      for (const listener of this.#listeners) listener(secret);
      this.#secrets.add(secret);
      this.#secrets.add(Buffer.from(secret).toString('base64'));
      this.#secrets.add(encodeURIComponent(secret));
    }
  }

  /**
   * Hears every secret added from now on, before it can be printed: how a CI log masks it too
   * (`::add-mask::` in GitHub Actions). Returns the function that stops listening.
   */
  onSecret(listener: (secret: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is masked whole.
    for (const secret of [...this.#secrets].sort((a, b) => b.length - a.length)) {
      out = out.split(secret).join(MASK);
    }
    for (const [shape, replacement] of shapes) out = out.replace(shape, replacement);
    return out;
  }
}

/** Process-wide: a secret loaded for one registry must be scrubbed from an error about any other. */
export const secrets = new Redactor();

export function redact(text: string): string {
  return secrets.redact(text);
}
