/** Where an image's chain of bases ends, from the OCI base.name/base.digest labels: an upstream image. */
export interface UpstreamEnd {
  /** Canonical, as build wrote it: `docker.io/library/alpine:3.20`. */
  ref: string;
  digest: string;
}

/** What one digest is, as far as status needs it. */
export interface DigestFacts {
  /** Built by pinyard: its config carries the input-hash label build writes. */
  pinyard: boolean;
  /** The content tag build pushed it under (from the input-hash label). */
  contentTag?: string;
  /** When it was created, from its config. */
  created?: string;
  /** The upstream its lineage ends in, when the labels lead there. */
  upstream?: UpstreamEnd;
}

/** An upstream end judged against images.lock. */
export interface UpstreamVerdict extends UpstreamEnd {
  /** What images.lock pins for the ref now; undefined when it no longer pins it. */
  pinned?: string;
  /** The lineage ends in another digest than the one images.lock pins. */
  stale: boolean;
}

/**
 * A tag in an environment against the build: `same` digest, `behind` (an older build of the image),
 * `absent`, `other` (not a build of this image by pinyard), `unknown` (it could not be read).
 */
export type PlaceState = 'same' | 'behind' | 'absent' | 'other' | 'unknown';

export interface BuiltCell {
  /** `registry.example.com/acme/app:1.4` */
  reference: string;
  digest?: string;
  upstream?: UpstreamVerdict;
  error?: string;
}

export interface EnvironmentCell {
  environment: string;
  reference: string;
  digest?: string;
  state: PlaceState;
  /** For `behind`: how many builds of the image are newer, when its content tags tell. */
  buildsBehind?: number;
  upstream?: UpstreamVerdict;
  error?: string;
}

/** One image and human tag: the build, then every environment in images.yml's order. */
export interface StatusRow {
  name: string;
  tag: string;
  built: BuiltCell;
  environments: EnvironmentCell[];
}

export type FailOn = 'behind' | 'stale';
