// Turns the first zod issue into the one-line reason an operator reads in the rejected-events list.
import type { z } from 'zod';
import { describeValue } from './describeValue.ts';
import { fieldRuleFor } from './fieldRules.ts';
import { EVENT_TYPES } from './vocabulary.ts';

type Issue = z.core.$ZodIssue;

function typeOf(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const type: unknown = (raw as Record<string, unknown>).type;
  return typeof type === 'string' && (EVENT_TYPES as readonly string[]).includes(type) ? type : undefined;
}

const rulePath = (path: readonly PropertyKey[]) => path.map((p) => (typeof p === 'number' ? '*' : String(p))).join('.');
const shownPath = (path: readonly PropertyKey[]) =>
  path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc === '' ? String(p) : `${acc}.${String(p)}`), '');

/**
 * An unknown field is the most useful thing to report first: a misspelt `occuredOn` also makes
 * `occurredOn` missing, and "unknown field" points at the typo.
 */
export function firstIssue(issues: readonly Issue[]): Issue | undefined {
  return issues.find((issue) => issue.code === 'unrecognized_keys') ?? issues[0];
}

export function formatIssue(issue: Issue, raw: unknown): string {
  const type = typeOf(raw);
  if (issue.code === 'unrecognized_keys') {
    const prefix = issue.path.length > 0 ? `${shownPath(issue.path)}.` : '';
    const names = issue.keys.slice(0, 3).map((key) => describeValue(`${prefix}${key}`));
    const more = issue.keys.length > 3 ? ` and ${issue.keys.length - 3} more` : '';
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${names.join(', ')}${more}`;
  }
  if (issue.code === 'invalid_union' && issue.path.length === 1 && issue.path[0] === 'type') {
    // A discriminator issue carries the whole object as input; show the `type` value itself.
    const value: unknown = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).type : undefined;
    const rule = fieldRuleFor(undefined, 'type').rule;
    return value === undefined ? `type is missing: it ${rule}` : `type ${describeValue(value)} ${rule}`;
  }
  const { label, rule } = fieldRuleFor(type, rulePath(issue.path));
  const name = label ?? shownPath(issue.path);
  if (issue.code === 'custom') return `${name} ${issue.message}`;
  if (issue.input === undefined) return `${name} is missing: it ${rule}`;
  if (issue.path.length === 0) return `${name} ${rule} (got ${describeValue(issue.input)})`;
  return `${name} ${describeValue(issue.input)} ${rule}`;
}
