import { createHash } from 'node:crypto';
import { z } from 'zod';
import { COVARIATES } from './covariates.ts';

// The monitoring plan as a document: what a registry may change without a code change, validated here
// and compiled to predicates in plan.ts. Populations are declarative filters over the export's columns.

const COVARIATE_NAMES = Object.keys(COVARIATES) as [keyof typeof COVARIATES, ...(keyof typeof COVARIATES)[]];
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'is not a calendar date');
const probability = z.number().gt(0).lt(1);

/** Export columns a population may filter on (equality; all conditions must hold). */
export const FILTER_COLUMNS = ['group', 'tCategory', 'nCategory', 'metastaticBurden', 'ptrType', 'axillarySurgery', 'chemotherapy', 'tnbc', 'boneOnly', 'hormonalTherapy', 'antiHer2', 'allMetastasesTreated', 'port'] as const;
export const TIME_COLUMNS = ['osDays', 'pfsDays', 'lrrDays', 'dpDays'] as const;
export const STATUS_COLUMNS = ['osStatus', 'pfsStatus', 'lrrStatus', 'dpStatus'] as const;

const population = z.strictObject({
  id: z.enum(['all', 'group1', 'group2', 'group3']),
  label: z.string().min(1),
  where: z.partialRecord(z.enum(FILTER_COLUMNS), z.union([z.string(), z.boolean()])),
  monitoringCovariates: z.array(z.enum(COVARIATE_NAMES)),
});

const endpoint = z.strictObject({
  id: z.enum(['os', 'pfs', 'lrr', 'dp']),
  label: z.string().min(1),
  kind: z.enum(['survival', 'competing']),
  time: z.enum(TIME_COLUMNS),
  status: z.enum(STATUS_COLUMNS),
});

const maxInformation = z.discriminatedUnion('rule', [
  /** A stated maximum number of events. */
  z.strictObject({ rule: z.literal('events'), maxEvents: z.int().positive() }),
  /** Schoenfeld's required events for the observed PORT allocation, times the group-sequential inflation factor. */
  z.strictObject({ rule: z.literal('schoenfeld'), plannedLooks: z.int().min(1).max(50) }),
  /** Calendar time only: information fraction = elapsed fraction of the surveillance horizon. */
  z.strictObject({ rule: z.literal('calendar') }),
]);

const design = z.strictObject({
  targetHr: z.number().gt(0).refine((x) => x !== 1, 'must differ from 1'),
  power: z.number().gt(0.5).lt(1),
  maxInformation,
  /** Surveillance horizon: the look at or after `to` is the final analysis whatever the events. */
  horizon: z.strictObject({ from: isoDate, to: isoDate }).refine((h) => h.from < h.to, 'horizon.from must precede horizon.to').nullable(),
}).refine((d) => d.maxInformation.rule !== 'calendar' || d.horizon !== null, { message: 'the calendar rule needs a horizon', path: ['horizon'] });

const primary = z.strictObject({
  population: z.enum(['all', 'group1', 'group2', 'group3']),
  endpoint: z.enum(['os', 'pfs', 'lrr', 'dp']),
  /** Two-sided alpha share this estimand spends. */
  alpha: probability,
  design,
});

const thresholds = z.strictObject({
  driftZ: z.number().positive(),
  driftMinNewEvents: z.int().min(0),
  phPValue: probability,
  phMinEvents: z.int().min(0),
  smdMax: z.number().positive(),
  essFractionMin: z.number().min(0).max(1),
  minEventsPopulation: z.int().min(0),
  minEventsPerArm: z.int().min(0),
});

export const planDocumentSchema = z.strictObject({
  format: z.literal('cohortwatch-plan/2'),
  version: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 of A-Z a-z 0-9 . _ -'),
  title: z.string().min(1),
  totalAlpha: probability,
  spending: z.literal('obf'),
  populations: z.array(population).min(1),
  endpoints: z.array(endpoint).min(1),
  primary: z.array(primary).min(1),
  /** Non-binding futility guidance: conditional power under the current trend below this, from this information on. */
  futility: z.strictObject({ conditionalPowerBelow: probability, fromInformation: z.number().min(0).max(1) }),
  thresholds,
  replication: z.strictObject({ covariates: z.array(z.enum(COVARIATE_NAMES)), screenP: probability, stayP: probability }),
  landmarkYears: z.array(z.number().positive()),
}).superRefine((doc, ctx) => {
  const unique = (ids: string[], what: string, path: string) => {
    ids.forEach((id, i) => { if (ids.indexOf(id) !== i) ctx.addIssue({ code: 'custom', message: `duplicate ${what} "${id}"`, path: [path, i] }); });
  };
  unique(doc.populations.map((p) => p.id), 'population', 'populations');
  unique(doc.endpoints.map((e) => e.id), 'endpoint', 'endpoints');
  unique(doc.primary.map((p) => `${p.population}/${p.endpoint}`), 'primary estimand', 'primary');
  doc.primary.forEach((p, i) => {
    if (!doc.populations.some((q) => q.id === p.population)) ctx.addIssue({ code: 'custom', message: `population "${p.population}" is not defined in populations`, path: ['primary', i, 'population'] });
    if (!doc.endpoints.some((q) => q.id === p.endpoint)) ctx.addIssue({ code: 'custom', message: `endpoint "${p.endpoint}" is not defined in endpoints`, path: ['primary', i, 'endpoint'] });
  });
  const shares = doc.primary.reduce((s, p) => s + p.alpha, 0);
  if (shares > doc.totalAlpha * (1 + 1e-9)) {
    ctx.addIssue({ code: 'custom', message: `the primary estimands' alpha shares add up to ${shares.toPrecision(6)}, more than totalAlpha ${doc.totalAlpha}`, path: ['primary'] });
  }
});

export type PlanDocument = z.infer<typeof planDocumentSchema>;
export type PrimaryDesign = PlanDocument['primary'][number]['design'];

export type PlanParse = { ok: true; document: PlanDocument } | { ok: false; problems: string[] };

/** Validates a parsed JSON value: the document, or one line per problem ("path: message"). */
export function parsePlanDocument(value: unknown): PlanParse {
  const result = planDocumentSchema.safeParse(value);
  if (result.success) return { ok: true, document: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(document)'}: ${issue.message}`),
  };
}

/** Validates plan text (JSON); a syntax error is one problem line. */
export function parsePlanText(text: string): PlanParse {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [`(document): not valid JSON: ${error instanceof Error ? error.message : String(error)}`] };
  }
  return parsePlanDocument(value);
}

/** JSON with object keys sorted at every level: the same plan gives the same text, whatever its key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 of the canonical JSON of a plan document (stored with every run and amendment). */
export function planHash(document: PlanDocument): string {
  return createHash('sha256').update(canonicalJson(document)).digest('hex');
}
