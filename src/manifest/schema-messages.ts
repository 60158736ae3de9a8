import type * as z from '../zod.js';
import { formatPath } from './yaml-positions.js';

/**
 * A schema issue in pinyard's words. zod's own texts ("Invalid input: expected record, received array")
 * never reach the user: each kind of issue is said here, and messages the schema sets itself are kept.
 */
export function schemaIssueMessage(issue: z.core.$ZodIssue): string {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  const input = (issue as { input?: unknown }).input;
  const last = path.at(-1);
  if (input === undefined && typeof last === 'string') {
    // A missing key is said on the map that lacks it: `images.app: context is required`.
    const parent = path.slice(0, -1);
    return `${parent.length ? `${formatPath(parent)}: ` : ''}${last} is required`;
  }
  const where = path.length ? `${formatPath(path)}: ` : '';
  return `${where}${describeIssue(issue, input)}`;
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  if (!isLibraryText(issue.message)) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${expectedText(issue.expected)}, not ${describeValue(input)}`;
    case 'invalid_value':
      return `must be ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, not ${describeValue(input)}`;
    case 'too_small':
      return issue.origin === 'string' && Number(issue.minimum) <= 1
        ? 'must not be empty'
        : `needs at least ${issue.minimum}`;
    case 'too_big':
      return `may hold at most ${issue.maximum}`;
    default:
      return `is not valid here (${describeValue(input)})`;
  }
}

/** zod's default texts all start like this; a message written in the schema never does. */
function isLibraryText(message: string): boolean {
  return /^(Invalid|Too (small|big)|Unrecognized|Expected)/.test(message);
}

function expectedText(expected: string): string {
  switch (expected) {
    case 'record':
    case 'object':
      return 'a map (key: value)';
    case 'array':
      return 'a list';
    default:
      return `a ${expected}`;
  }
}

/** What YAML read, in the user's terms. */
export function describeValue(value: unknown): string {
  if (value === null) return 'empty (YAML null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (value === undefined) return 'nothing';
  return `the ${typeof value} ${String(value)}`;
}
