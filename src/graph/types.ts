import type { PinyardError } from '../errors.js';

/** Where a Dockerfile refers to a parent image or an upstream image. */
export interface EdgeSite {
  file: string;
  /** Position of the FROM, COPY or RUN keyword. */
  line: number;
  column: number;
  via: 'from' | 'copy-from' | 'mount-from' | 'syntax';
  /** The reference as written, before ARG substitution. */
  raw: string;
}

/** An image from outside the manifest that a build pulls. */
export interface UpstreamRef {
  /** Canonical: 'docker.io/library/alpine:3.20', or with '@sha256:…' when pinned. */
  ref: string;
  sites: EdgeSite[];
}

export interface GraphImage {
  name: string;
  /** Manifest images this one is built from or copies from: sorted, unique. */
  parents: string[];
  parentSites: Record<string, EdgeSite[]>;
  /** Sorted by ref. */
  upstream: UpstreamRef[];
  /**
   * What the built stage stands on, following its chain of stages as docker builds it: a parent's name,
   * an upstream ref, or '' for scratch. Undefined when no stage matches the target.
   */
  base?: string;
}

export interface ImageGraph {
  /** Keyed by name, iterated in name order. */
  images: Map<string, GraphImage>;
  /**
   * What reads differently from what it seems to say, in file order: a FROM that names a repository of
   * the tree and yet none of its images. `--strict` makes them errors.
   */
  warnings?: PinyardError[];
  /** Build order: every image after its parents, ties broken by name. */
  order: string[];
}

export type CycleResult = { ok: true; order: string[] } | { ok: false; cycle: string[] };
