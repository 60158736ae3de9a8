/**
 * Retention of the content tags builds leave behind: which digests `registry prune` keeps and which it
 * deletes. Pure: the command gathers the facts from the registry and carries out the decision.
 */
export { isContentTag } from './content-tag.js';
export {
  createdTime,
  parseDuration,
  planRetention,
  type RetentionCandidate,
  type RetentionDecision,
  type RetentionInput,
} from './plan-retention.js';
