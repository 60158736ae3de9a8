import {
  type AccessCheck,
  accessNeeds,
  checkAccess,
  type PromotionRequest,
  tokenRequests,
} from '../../promote/index.js';
import { REPOSITORIES_PER_TOKEN, type RegistryClient } from '../../registry/index.js';

/**
 * One token per registry for everything the promotions touch (pull on sources and required environments,
 * pull and push on targets), all registries at once, and what each token grants. Every later request
 * reuses these tokens from the client's cache. The grant is read from the token itself: a docker_auth-like
 * service answers a request it cannot fully grant with a token for less, never with a refusal, so the
 * token's `access` claim is the one place a missing push shows before a write is refused.
 */
export async function askAccess(
  registry: RegistryClient,
  requests: PromotionRequest[],
): Promise<AccessCheck[]> {
  const asked = tokenRequests(requests, REPOSITORIES_PER_TOKEN);
  const grants = await Promise.all(
    asked.map(async (request) => ({
      ...request,
      grant: await registry.authorize(request.registry, request.scopes),
    })),
  );
  return checkAccess(accessNeeds(requests), grants);
}
