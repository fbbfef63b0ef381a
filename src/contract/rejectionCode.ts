// Why an event was rejected, as a closed code stored with the rejection (the reason text is for the
// operator; reports count by code, never by matching the text).
import type { z } from 'zod';

export const REJECTION_CODES = [
  /** Not a JSON object within the size and depth limits, a missing or unknown field, a wrong value. */
  'schema',
  /** `type` missing or not one of the contract's event types. */
  'unknownEventType',
  /** A date or date-time that is malformed or not on the calendar. */
  'invalidDate',
  /** occurredOn after the day it was reported. */
  'occurredAfterReported',
  /** Two fields of one event contradict each other (PORT start before PTR, a self-retraction). */
  'inconsistentFields',
  /** Same eventId already stored with another payload (a conflict: the first one stands). */
  'payloadMismatch',
] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];

const DATE_FIELDS = new Set(['occurredOn', 'reportedAt', 'portStartedOn']);

/** The code of the first zod issue of an event that failed the schema. */
export function schemaRejectionCode(issue: z.core.$ZodIssue | undefined): RejectionCode {
  if (issue === undefined) return 'schema';
  const last = issue.path[issue.path.length - 1];
  if (issue.code === 'invalid_union' && issue.path.length === 1 && last === 'type') return 'unknownEventType';
  if (issue.code === 'unrecognized_keys') return 'schema';
  if (typeof last === 'string' && DATE_FIELDS.has(last) && issue.input !== undefined) return 'invalidDate';
  return 'schema';
}
