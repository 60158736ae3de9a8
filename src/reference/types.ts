/** An image reference in normalized form: what `docker pull` would resolve the user's text to. */
export interface Reference {
  /** Normalized domain, with port if any: 'docker.io', 'localhost:5000', 'ghcr.io'. */
  registry: string;
  /** Path inside the registry; 'library/alpine' for a single-component Docker Hub name. */
  repository: string;
  tag?: string;
  /** 'algorithm:hex', e.g. 'sha256:<64 hex>'. */
  digest?: string;
}

export type ParseResult = { ok: true; ref: Reference } | { ok: false; reason: string };
