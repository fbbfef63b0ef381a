// What each field must be, in words. The rejection reasons quote these, and docs/contract.md lists
// the same rules, so a producer reading a rejection sees the rule it broke.
import {
  AGE_MAX, AGE_MIN, AXILLARY_SURGERIES, CENTRE_MAX, CHEMOTHERAPIES, DEATH_CAUSES, DP_SITES, EVENT_ID_MAX, EVENT_TYPES,
  ID_CHARACTERS, LRR_SITES, METASTATIC_BURDENS, N_CATEGORIES, PATIENT_ID_MAX, PTR_TYPES, RETRACTION_REASON_MAX, T_CATEGORIES,
} from './vocabulary.ts';

export interface FieldRule {
  /** How the field is named in a reason when its path is not the right name (array elements). */
  readonly label?: string;
  /** A predicate phrase: `must be ...` or `is not ...`. */
  readonly rule: string;
}

const oneOf = (values: readonly string[]) => values.join(', ');
const enumOrNull = (values: readonly string[]): FieldRule => ({ rule: `must be one of ${oneOf(values)} or null` });
const booleanOrNull: FieldRule = { rule: 'must be a boolean or null' };

/**
 * Keyed by the field's path (array indices as `*`); `type:path` keys take precedence for fields whose
 * rule depends on the event type.
 */
export const FIELD_RULES: Readonly<Record<string, FieldRule>> = {
  '': { label: 'event', rule: 'must be a JSON object' },
  eventId: { rule: `must be 1-${EVENT_ID_MAX} characters of ${ID_CHARACTERS}` },
  patientId: { rule: `must be 1-${PATIENT_ID_MAX} characters of ${ID_CHARACTERS}` },
  type: { rule: `must be one of ${oneOf(EVENT_TYPES)}` },
  occurredOn: { rule: 'must be a date YYYY-MM-DD' },
  reportedAt: { rule: 'must be an ISO-8601 date-time with offset' },
  centre: { rule: `must be a non-blank string of 1-${CENTRE_MAX} characters without control characters (omit it when unknown)` },

  baseline: { rule: 'must be an object with every baseline field' },
  'baseline.ageAtPtr': { rule: `must be an integer ${AGE_MIN}-${AGE_MAX} or null` },
  'baseline.tCategory': enumOrNull(T_CATEGORIES),
  'baseline.nCategory': enumOrNull(N_CATEGORIES),
  'baseline.er': booleanOrNull,
  'baseline.pr': booleanOrNull,
  'baseline.her2': booleanOrNull,
  'baseline.metastasisCount': { rule: 'must be an integer >= 1 or null' },
  'baseline.metastaticBurden': enumOrNull(METASTATIC_BURDENS),
  'baseline.boneOnly': booleanOrNull,
  'baseline.ptrType': { rule: `must be one of ${oneOf(PTR_TYPES)}` },
  'baseline.axillarySurgery': enumOrNull(AXILLARY_SURGERIES),
  'baseline.chemotherapy': enumOrNull(CHEMOTHERAPIES),
  'baseline.hormonalTherapy': booleanOrNull,
  'baseline.antiHer2': booleanOrNull,
  'baseline.allMetastasesTreated': booleanOrNull,
  'baseline.port': { rule: 'must be a boolean' },
  'baseline.portStartedOn': { rule: 'must be a date YYYY-MM-DD or null' },

  'lrr:sites': { rule: `must be a non-empty array of ${oneOf(LRR_SITES)}` },
  'lrr:sites.*': { label: 'lrr site', rule: 'is not locoregional' },
  'lrr:inField': booleanOrNull,
  'dp:sites': { rule: `must be an array of ${oneOf(DP_SITES)} (omit it when unknown)` },
  'dp:sites.*': { label: 'dp site', rule: `must be one of ${oneOf(DP_SITES)}` },
  'death:cause': { rule: `must be one of ${oneOf(DEATH_CAUSES)} (omit it when unknown)` },
  'retraction:retracts': { rule: `must be the retracted event's eventId (1-${EVENT_ID_MAX} characters of ${ID_CHARACTERS})` },
  'retraction:reason': { rule: `must be a non-blank string of at most ${RETRACTION_REASON_MAX} characters` },
};

export function fieldRuleFor(type: string | undefined, path: string): FieldRule {
  return (type !== undefined ? FIELD_RULES[`${type}:${path}`] : undefined) ?? FIELD_RULES[path] ?? { rule: 'is not valid' };
}
