/**
 * How much pinyard reads from a registry before it stops listening. Everything a registry sends is held
 * in memory (a manifest, a token, a page of tags) unless it is a blob stream, so each kind of answer has a
 * ceiling, checked against Content-Length before reading and again while the body streams in.
 */

const KiB = 1024;
const MiB = 1024 * KiB;

/** distribution refuses manifests over 4 MiB (registry/handlers/manifests.go maxManifestBodySize). */
export const MAX_MANIFEST_BYTES = 4 * MiB;
/** A token response: a JWT, even with a certificate chain in its header, is a few KiB. */
export const MAX_TOKEN_BYTES = 1 * MiB;
/** An error body: only its first messages are shown; the rest is cut, not refused. */
export const MAX_ERROR_BYTES = 64 * KiB;
/** One page of tags or of the catalog. */
export const MAX_PAGE_BYTES = 4 * MiB;
/** A blob read whole into memory: an image config. */
export const MAX_CONFIG_BYTES = 8 * MiB;
/** What any other answer pinyard reads may hold (upload session replies, probes). */
export const DEFAULT_MAX_BODY_BYTES = 64 * KiB;

/** Tag and catalog listings: pages followed, and names collected, before pinyard gives up. */
export const MAX_PAGES = 1000;
export const MAX_LISTED_ITEMS = 100_000;
