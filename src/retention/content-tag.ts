/**
 * `pinyard-<24 hex>`: the immutable tag `build` pushes every image under (src/hash `contentTag`). Any other
 * tag was chosen by a person or a pipeline (`1.4`, `latest`, `nightly`) and protects its digest from prune.
 */
const CONTENT_TAG = /^pinyard-[0-9a-f]{24}$/;

export function isContentTag(tag: string): boolean {
  return CONTENT_TAG.test(tag);
}
