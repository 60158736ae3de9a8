import type { RetentionDecision } from '../../retention/index.js';

/**
 * What the `registry` subcommands found and did, as their renderers print it; with --json, the same
 * objects under `version: 1`. Digests are always in full here; the text renderers shorten them.
 */

/** What an image config says, in the form pinyard prints. */
export interface ImageConfigSummary {
  /** `linux/amd64`, `linux/arm64/v8`; undefined when the config names no os. */
  platform?: string;
  /** The config's `created`, or else the OCI created label. */
  created?: string;
  entrypoint?: string[];
  cmd?: string[];
  env: string[];
  labels: Record<string, string>;
  user?: string;
  workingDir?: string;
  exposedPorts: string[];
}

export interface LsResult {
  /** host[:port] */
  registry: string;
  /** '' for the whole registry. */
  prefix: string;
  repositories: Array<{ name: string; tags?: string[] }>;
}

export interface TagRow {
  tag: string;
  digest: string;
  mediaType: string;
  kind: 'index' | 'image';
  /** `linux/amd64`, …; one for an image, each runnable one for an index. */
  platforms: string[];
  created?: string;
  /** Config and layers in bytes, as stored (compressed). */
  size?: number;
  /** Why the rest is missing: the manifest or its config could not be read. */
  problem?: string;
}

export interface TagsResult {
  repository: string;
  /** Newest first. */
  tags: TagRow[];
}

export interface LineageStep {
  /** The base as the image's label names it. */
  name: string;
  digest: string;
  /** Set where pinyard stopped following: the base is in another registry, or could not be read. */
  end?: 'upstream' | 'not-found' | 'denied';
}

export interface InspectResult {
  reference: string;
  digest: string;
  mediaType: string;
  kind: 'index' | 'image';
  size: number;
  /** The image itself, or the index's runnable platforms. */
  platforms: Array<{ platform?: string; digest: string; mediaType: string; size: number; layers: number }>;
  /** The config of the image shown: the image itself, or the chosen platform of an index. */
  config?: ImageConfigSummary & {
    /** The platform manifest it belongs to. */
    digest: string;
  };
  /** Nearest base first. */
  lineage: LineageStep[];
  /** Tags of the same repository on this digest. */
  tags: string[];
  /** Environments of images.yml whose tags point at this digest, or that could not be read. */
  environments: Array<{ environment: string; references: string[]; problem?: string }>;
}

export interface RmResult {
  repository: string;
  removedTags: string[];
  /** Set when the digest itself was deleted. */
  deletedDigest?: string;
  /** Set when only the tag went: the digest stays for what still uses it. */
  kept?: { digest: string; tags: string[]; indexes: Array<{ digest: string; tags: string[] }> };
  /** A deleted index's platform builds that went with it, each with its content tags. */
  deletedPlatforms?: Array<{ digest: string; tags: string[] }>;
  /** A deleted index's content-tagged platform builds that stay, and what still uses each. */
  keptPlatforms?: Array<{ digest: string; tags: string[]; keptBy: string }>;
}

export interface PruneRepository {
  repository: string;
  /** Every content-tagged digest, newest first. */
  decisions: RetentionDecision[];
  /** Digests that were to go but turned out protected when checked again just before deleting. */
  spared: string[];
}

export interface PruneResult {
  dryRun: boolean;
  keep: number;
  /** `--min-age` as given: digests younger than it were kept. */
  minAge?: string;
  repositories: PruneRepository[];
  /** Digests deleted (none on a dry run). */
  deleted: number;
}
