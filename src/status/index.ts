/**
 * `pinyard status`: which digest each environment runs of every image and tag, and whether it stands on the
 * upstream images.lock pins. Pure decisions; the command reads the registries.
 */
export { buildsBehind, placeState, shouldFail, upstreamVerdict } from './decide.js';
export type {
  BuiltCell,
  DigestFacts,
  EnvironmentCell,
  FailOn,
  PlaceState,
  StatusRow,
  UpstreamEnd,
  UpstreamVerdict,
} from './types.js';
