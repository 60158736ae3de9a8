/**
 * Link-header pagination (RFC 8288, distribution spec "Listing Tags" / catalog):
 * `Link: </v2/_catalog?last=b&n=2>; rel="next"`. The target is usually relative, so it is resolved
 * against the URL of the page that carried it.
 */
export function parseNextLink(header: string | null | undefined, pageUrl: string): string | undefined {
  if (!header) return undefined;
  for (const match of header.matchAll(/<([^>]*)>((?:\s*;\s*[^;,]+)*)/g)) {
    const [, target, params = ''] = match;
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(params);
    const rels = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
    if (target !== undefined && rels.includes('next')) {
      try {
        return new URL(target, pageUrl).toString();
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
