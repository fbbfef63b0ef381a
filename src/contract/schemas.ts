// zod schemas of the follow-up event contract (v1). Objects are strict: a field the contract does not
// name is rejected, so a misspelt field (`occuredOn`) can never be silently dropped. Field-level
// rules live here; rules that relate two fields are in crossFieldRules.ts.
import { z } from 'zod';
import { isCalendarDate, DATE_PATTERN } from './calendarDate.ts';
import { parseOffsetDateTime } from './offsetDateTime.ts';
import {
  AGE_MAX, AGE_MIN, AXILLARY_SURGERIES, CENTRE_MAX, CHEMOTHERAPIES, DEATH_CAUSES, DP_SITES, EVENT_ID_MAX, ID_PATTERN,
  LRR_SITES, METASTATIC_BURDENS, N_CATEGORIES, PATIENT_ID_MAX, PTR_TYPES, RETRACTION_REASON_MAX, T_CATEGORIES,
} from './vocabulary.ts';

const identifier = (max: number) => z.string().min(1).max(max).regex(ID_PATTERN);

/** `YYYY-MM-DD`; a custom issue's message is the reason after the field name. */
const calendarDate = z.string().regex(DATE_PATTERN).superRefine((value, ctx) => {
  if (DATE_PATTERN.test(value) && !isCalendarDate(value)) {
    ctx.addIssue({ code: 'custom', message: `${value} is not a calendar date`, input: value });
  }
});

const offsetDateTime = z.string().superRefine((value, ctx) => {
  const parsed = parseOffsetDateTime(value);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value.slice(0, 40))} ${parsed.problem}`, input: value });
});

// \p{Cc}: control characters would corrupt one-line logs, CSV exports and report tables.
const centreCode = z.string().min(1).max(CENTRE_MAX).regex(/^(?=.*\S)[^\p{Cc}]+$/u);

export const eventIdSchema = identifier(EVENT_ID_MAX);
export const patientIdSchema = identifier(PATIENT_ID_MAX);

const commonFields = {
  eventId: eventIdSchema,
  patientId: patientIdSchema,
  occurredOn: calendarDate,
  reportedAt: offsetDateTime,
  centre: centreCode.optional(),
};

const nullableBoolean = z.boolean().nullable();

export const baselineSchema = z.strictObject({
  ageAtPtr: z.number().int().min(AGE_MIN).max(AGE_MAX).nullable(),
  tCategory: z.enum(T_CATEGORIES).nullable(),
  nCategory: z.enum(N_CATEGORIES).nullable(),
  er: nullableBoolean,
  pr: nullableBoolean,
  her2: nullableBoolean,
  metastasisCount: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).nullable(),
  metastaticBurden: z.enum(METASTATIC_BURDENS).nullable(),
  boneOnly: nullableBoolean,
  ptrType: z.enum(PTR_TYPES),
  axillarySurgery: z.enum(AXILLARY_SURGERIES).nullable(),
  chemotherapy: z.enum(CHEMOTHERAPIES).nullable(),
  hormonalTherapy: nullableBoolean,
  antiHer2: nullableBoolean,
  allMetastasesTreated: nullableBoolean,
  port: z.boolean(),
  // May be omitted (read as null); a date only when port is true (crossFieldRules.ts).
  portStartedOn: calendarDate.nullable().optional(),
});

export const registrationSchema = z.strictObject({ ...commonFields, type: z.literal('registration'), baseline: baselineSchema });
export const lrrSchema = z.strictObject({
  ...commonFields,
  type: z.literal('lrr'),
  sites: z.array(z.enum(LRR_SITES)).min(1),
  inField: nullableBoolean,
});
export const dpSchema = z.strictObject({ ...commonFields, type: z.literal('dp'), sites: z.array(z.enum(DP_SITES)).optional() });
export const progressionSchema = z.strictObject({ ...commonFields, type: z.literal('progression') });
export const deathSchema = z.strictObject({ ...commonFields, type: z.literal('death'), cause: z.enum(DEATH_CAUSES).optional() });
export const lastContactSchema = z.strictObject({ ...commonFields, type: z.literal('last_contact') });
export const retractionSchema = z.strictObject({
  ...commonFields,
  type: z.literal('retraction'),
  retracts: eventIdSchema,
  reason: z.string().min(1).max(RETRACTION_REASON_MAX).regex(/\S/),
});

export const followUpEventSchema = z.discriminatedUnion('type', [
  registrationSchema, lrrSchema, dpSchema, progressionSchema, deathSchema, lastContactSchema, retractionSchema,
]);

export type Baseline = z.infer<typeof baselineSchema>;
export type RegistrationEvent = z.infer<typeof registrationSchema>;
export type LrrEvent = z.infer<typeof lrrSchema>;
export type DpEvent = z.infer<typeof dpSchema>;
export type ProgressionEvent = z.infer<typeof progressionSchema>;
export type DeathEvent = z.infer<typeof deathSchema>;
export type LastContactEvent = z.infer<typeof lastContactSchema>;
export type RetractionEvent = z.infer<typeof retractionSchema>;
/** A validated follow-up event; `type` discriminates the payload. */
export type FollowUpEvent = z.infer<typeof followUpEventSchema>;
