// The report's words for every category of the input. Categories are closed unions, so every label
// a reader sees comes from here, never from the data (only `title` and centre labels are free text).
import type {
  AlertKind,
  Arm,
  ConflictReason,
  Covariate,
  CovariateLevels,
  Endpoint,
  EventType,
  ModelTerm,
  Population,
  RejectionReason,
  ValidityReason,
} from './reportInput.ts';
import { ReportInputError } from './reportInputError.ts';

export const POPULATION_LABEL: Readonly<Record<Population, string>> = {
  all: 'All patients',
  group1: 'Group 1: T1/2, non-TNBC',
  group2: 'Group 2: T3/4, non-TNBC',
  group3: 'Group 3: TNBC',
};

export const POPULATION_SHORT: Readonly<Record<Population, string>> = {
  all: 'All',
  group1: 'Group 1',
  group2: 'Group 2',
  group3: 'Group 3',
};

export const ENDPOINT_LABEL: Readonly<Record<Endpoint, string>> = {
  os: 'Overall survival',
  pfs: 'Progression-free survival',
  lrr: 'Locoregional recurrence',
  dp: 'Distant progression',
};

export const ENDPOINT_SHORT: Readonly<Record<Endpoint, string>> = { os: 'OS', pfs: 'PFS', lrr: 'LRR', dp: 'DP' };

/** The arms, one name each everywhere (code: `ptr` / `port`; words: these). */
export const ARM_LABEL: Readonly<Record<Arm, string>> = { ptr: 'PTR alone', port: 'PTR + PORT' };

/** A population inside a sentence ("In group 1 (T1/2, non-TNBC), ..."), derived from POPULATION_LABEL. */
export const POPULATION_IN_SENTENCE: Readonly<Record<Population, string>> = {
  all: POPULATION_LABEL.all.toLowerCase(),
  group1: POPULATION_LABEL.group1.replace(/^Group (\d): (.*)$/, 'group $1 ($2)'),
  group2: POPULATION_LABEL.group2.replace(/^Group (\d): (.*)$/, 'group $1 ($2)'),
  group3: POPULATION_LABEL.group3.replace(/^Group (\d): (.*)$/, 'group $1 ($2)'),
};

/** An endpoint inside a sentence ("PORT and overall survival"), derived from ENDPOINT_LABEL. */
export const ENDPOINT_IN_SENTENCE: Readonly<Record<Endpoint, string>> = {
  os: ENDPOINT_LABEL.os.toLowerCase(), pfs: ENDPOINT_LABEL.pfs.toLowerCase(), lrr: ENDPOINT_LABEL.lrr.toLowerCase(), dp: ENDPOINT_LABEL.dp.toLowerCase(),
};

export const COVARIATE_LABEL: Readonly<Record<Covariate | 'ageAtPtr', string>> = {
  ageAtPtr: 'Age at PTR, years',
  tCategory: 'Clinical T category',
  nCategory: 'Clinical N category',
  subtype: 'IHC subtype',
  tnbc: 'Triple negative',
  metastasisCount: 'Number of metastases',
  metastaticBurden: 'Metastatic burden',
  metastaticSite: 'Metastatic site',
  ptrType: 'Type of PTR',
  axillarySurgery: 'Axillary surgery',
  chemotherapy: 'Chemotherapy',
  hormonalTherapy: 'Hormonal therapy',
  antiHer2: 'Anti-HER2 therapy',
  allMetastasesTreated: 'Intervention to all metastases',
  port: 'Postoperative radiotherapy',
};

type LevelLabels = { readonly [K in Covariate]: Readonly<Record<CovariateLevels[K], string>> };

export const LEVEL_LABEL: LevelLabels = {
  tCategory: { 'T1/2': 'T1/2', 'T3/4': 'T3/4' },
  nCategory: { 'N0/1': 'N0/1', 'N2/3': 'N2/3' },
  subtype: { luminalA: 'Luminal A', luminalB: 'Luminal B', her2: 'HER2-enriched', tnbc: 'TNBC' },
  tnbc: { nonTnbc: 'Non-TNBC', tnbc: 'TNBC' },
  metastasisCount: { le5: '≤ 5', gt5: '> 5' },
  metastaticBurden: { single: 'Single', oligo: 'Oligometastatic', disseminated: 'Disseminated' },
  metastaticSite: { boneOnly: 'Bone only', other: 'Other' },
  ptrType: { bcs: 'Breast-conserving', mastectomy: 'Mastectomy' },
  axillarySurgery: { alnd: 'ALND', slnb: 'SLNB', none: 'None' },
  chemotherapy: { preop: 'Preoperative', postop: 'Postoperative alone', both: 'Pre- and postoperative', none: 'None' },
  hormonalTherapy: { yes: 'Yes', no: 'No' },
  antiHer2: { yes: 'Yes', no: 'No' },
  allMetastasesTreated: { yes: 'Yes', no: 'No' },
  port: { port: 'PORT', ptr: 'PTR alone' },
};

export const EVENT_TYPE_LABEL: Readonly<Record<EventType, string>> = {
  registration: 'Registration',
  lrr: 'Locoregional recurrence',
  dp: 'Distant progression',
  progression: 'Progression, kind unknown',
  death: 'Death',
  last_contact: 'Last contact',
  retraction: 'Retraction',
};

export const REJECTION_REASON_LABEL: Readonly<Record<RejectionReason, string>> = {
  schema: 'Failed schema validation',
  invalidDate: 'Invalid date',
  occurredAfterReported: 'Occurred after it was reported',
  unknownEventType: 'Unknown event type',
  inconsistentFields: 'Fields contradict each other',
  unclassified: 'Recorded before reasons were coded',
};

export const CONFLICT_REASON_LABEL: Readonly<Record<ConflictReason, string>> = {
  payloadMismatch: 'Same event id, different payload',
  beforePtr: 'Dated before PTR',
  afterDeath: 'Dated after death',
  noRegistration: 'No registration for the patient',
  invalidRetraction: 'Retraction of an unknown event or of a retraction',
};

export const ALERT_KIND_LABEL: Readonly<Record<AlertKind, string>> = {
  boundaryCrossing: 'Boundary crossing',
  departureFromPublished: 'Departure from the published estimate',
  drift: 'Drift since the last look',
  validity: 'Validity concern (effect alerts held)',
};

export const VALIDITY_REASON_LABEL: Readonly<Record<ValidityReason, string>> = {
  phViolation: 'proportional hazards rejected (p < 0.01)',
  firthFallback: 'Firth fallback (monotone likelihood or empty cell)',
  iptwImbalance: 'covariate imbalance after weighting (|SMD| > 0.1)',
  lowEffectiveSampleSize: 'low effective sample size under the weights',
};

/** Looks a label up, failing with a one-line message when the data holds a value the report does not know. */
export function labelOf<K extends string>(table: Readonly<Record<K, string>>, key: K, what: string): string {
  const label: unknown = Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
  if (typeof label !== 'string') throw new ReportInputError(`unknown ${what} ${JSON.stringify(String(key)).slice(0, 40)}`);
  return label;
}

export function covariateLabel(covariate: Covariate | 'ageAtPtr'): string {
  return labelOf(COVARIATE_LABEL, covariate, 'covariate');
}

export function levelLabel<K extends Covariate>(covariate: K, level: CovariateLevels[K]): string {
  const levels: Readonly<Record<CovariateLevels[K], string>> | undefined = Object.prototype.hasOwnProperty.call(LEVEL_LABEL, covariate)
    ? LEVEL_LABEL[covariate]
    : undefined;
  if (levels === undefined) throw new ReportInputError(`unknown covariate ${JSON.stringify(String(covariate)).slice(0, 40)}`);
  return labelOf(levels, level, `level of ${covariate}`);
}

/** The reference of a term in words: one level, or the pooled levels ("SLNB or none"). */
export function referenceLabel(term: ModelTerm): string {
  const labels = (term.reference as readonly string[]).map((level) => levelLabel(term.covariate, level as never));
  if (labels.length === 0) throw new ReportInputError(`model term ${term.covariate}: empty reference`);
  return labels.length === 1 ? labels[0] : `${labels.slice(0, -1).join(', ')} or ${labels[labels.length - 1].toLowerCase()}`;
}

/** "Clinical T category (T3/4 vs T1/2)", "Axillary surgery (ALND vs SLNB or none)" for a model term. */
export function termLabel(term: ModelTerm): string {
  return `${covariateLabel(term.covariate)} (${levelLabel(term.covariate, term.level)} vs ${referenceLabel(term)})`;
}

export function estimandLabel(population: Population, endpoint: Endpoint): string {
  return `${labelOf(POPULATION_SHORT, population, 'population')} · ${labelOf(ENDPOINT_SHORT, endpoint, 'endpoint')}`;
}
