// The follow-up event contract (v1): schemas, validation, envelope limits, job ids and payload hashes.
export { validateEvent } from './validateEvent.ts';
export type { ValidateOptions, ValidationResult } from './validateEvent.ts';
export { checkEnvelope, checkShape, parseEnvelope, MAX_EVENT_BYTES, MAX_EVENT_DEPTH } from './envelope.ts';
export type { EnvelopeCheck, EnvelopeParse } from './envelope.ts';
export { eventJobId } from './eventJobId.ts';
export { payloadHash } from './payloadHash.ts';
export { canonicalJson } from './canonicalJson.ts';
export { sha256Hex } from './sha256Hex.ts';
export { toStoredEvent } from './storedEvent.ts';
export type { StoredEvent } from './storedEvent.ts';
export { parseOffsetDateTime } from './offsetDateTime.ts';
export type { OffsetDateTime } from './offsetDateTime.ts';
export { DATE_PATTERN, dayNumber, daysBetween, isCalendarDate } from './calendarDate.ts';
export { FIELD_RULES } from './fieldRules.ts';
export { canonicalEmailAddress } from './emailAddress.ts';
export {
  baselineSchema, followUpEventSchema, registrationSchema, lrrSchema, dpSchema, progressionSchema, deathSchema,
  lastContactSchema, retractionSchema,
} from './schemas.ts';
export type {
  Baseline, DeathEvent, DpEvent, FollowUpEvent, LastContactEvent, LrrEvent, ProgressionEvent, RegistrationEvent,
  RetractionEvent,
} from './schemas.ts';
export * from './vocabulary.ts';
export { REJECTION_CODES, schemaRejectionCode } from './rejectionCode.ts';
export type { RejectionCode } from './rejectionCode.ts';
