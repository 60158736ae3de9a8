import { INPUT_HASH_LABEL } from '../../hash/index.js';

export interface LabelInputs {
  /** The immediate parent: a manifest image or an upstream ref, as pinned. */
  base?: { name: string; digest: string };
  created: Date;
  revision?: string;
  source?: string;
  /** The first human tag, when it reads like a version. */
  version?: string;
  inputHash: string;
}

/** OCI annotation keys (opencontainers image-spec annotations.md), set as image labels. */
export function ociLabels(inputs: LabelInputs): Record<string, string> {
  const labels: Record<string, string> = {
    'org.opencontainers.image.created': inputs.created.toISOString(),
    [INPUT_HASH_LABEL]: inputs.inputHash,
  };
  if (inputs.base) {
    labels['org.opencontainers.image.base.name'] = inputs.base.name;
    labels['org.opencontainers.image.base.digest'] = inputs.base.digest;
  }
  if (inputs.revision) labels['org.opencontainers.image.revision'] = inputs.revision;
  if (inputs.source) labels['org.opencontainers.image.source'] = inputs.source;
  if (inputs.version) labels['org.opencontainers.image.version'] = inputs.version;
  return labels;
}

/** `1.4`, `3.20`, `v2.8.1`, `16`: a tag that names a version rather than a channel (`latest`, `edge`). */
export function versionOf(tags: string[]): string | undefined {
  return tags.find((t) => /^v?\d+(?:\.\d+)*(?:[-+][\w.]+)?$/.test(t));
}
