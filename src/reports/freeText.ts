// The few strings of the input that are not categories: the title and centre labels (free text),
// and identifiers of the run (versions, hash, run and alert ids), which must have a strict shape.
import { ReportInputError } from './reportInputError.ts';

// Pseudonymous registry ids are the one thing a careless free-text field could carry into a report
// (contract: patientId is 1-64 of A-Z a-z 0-9 . _ : -). Ids cannot be told from words in general,
// so the scrub is a heuristic aimed at their usual shape: any token holding a run of five or more
// digits ("P-000123", "KR01-00042") is replaced. Years (4 digits) and centre codes survive.
const ID_LIKE_TOKEN = /[A-Za-z0-9._:-]*\d{5,}[A-Za-z0-9._:-]*/g;
export const REDACTED = '[redacted]';

/**
 * Free text made safe to print: control characters removed, whitespace collapsed, id-like tokens
 * redacted, length capped. The result still has to be HTML-escaped where it is printed.
 */
export function scrubFreeText(text: string, maxLength: number): string {
  const flat = text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(ID_LIKE_TOKEN, REDACTED);
  return flat.length > maxLength ? `${flat.slice(0, maxLength - 1)}\u2026` : flat;
}

const IDENTIFIER = /^[A-Za-z0-9._+-]{1,64}$/;
const HEX_HASH = /^[0-9a-f]{16,128}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function fail(field: string, value: string, rule: string): never {
  throw new ReportInputError(`${field} ${JSON.stringify(value.slice(0, 40))} is not ${rule}`);
}

/** A version or run id: 1-64 of `A-Z a-z 0-9 . _ + -`. */
export function checkIdentifier(field: string, value: string): string {
  return IDENTIFIER.test(value) ? value : fail(field, value, '1-64 of A-Z a-z 0-9 . _ + -');
}

/** A dataset hash: 16-128 lower-case hex digits. */
export function checkHash(field: string, value: string): string {
  return HEX_HASH.test(value) ? value : fail(field, value, 'a lower-case hex hash');
}

/** A real calendar date `YYYY-MM-DD`. */
export function checkIsoDate(field: string, value: string): string {
  if (!ISO_DATE.test(value)) fail(field, value, 'a date YYYY-MM-DD');
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value ? value : fail(field, value, 'a real calendar date');
}

/** An ISO-8601 date-time with an offset. */
export function checkIsoDateTime(field: string, value: string): string {
  return ISO_DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)) ? value : fail(field, value, 'an ISO-8601 date-time with offset');
}
