import { finalBaseStage, type ParsedDockerfile } from '../../dockerfile/index.js';

/**
 * The image text the built stage finally stands on (see finalBaseStage); undefined for scratch. This is
 * what the OCI `base.name`/`base.digest` labels describe.
 */
export function finalBaseText(parsed: ParsedDockerfile, target?: string): string | undefined {
  const stage = finalBaseStage(parsed, target);
  return stage?.kind === 'image' ? stage.image.resolved : undefined;
}
