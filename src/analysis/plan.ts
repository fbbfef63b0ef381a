import { createHash } from 'node:crypto';
import type { CovariateName } from './covariates.ts';
import defaultPlanJson from './data/default-plan.json' with { type: 'json' };
import { canonicalJson, parsePlanDocument, planHash } from './planDocument.ts';
import type { PlanDocument, PrimaryDesign } from './planDocument.ts';
import type { PlanRow } from './planRow.ts';

export type PopulationId = 'all' | 'group1' | 'group2' | 'group3';
export type EndpointId = 'os' | 'pfs' | 'lrr' | 'dp';

export interface Population {
  readonly id: PopulationId;
  readonly label: string;
  readonly includes: (row: PlanRow) => boolean;
  /** Monitoring covariates besides PORT: the plan's set minus what the population holds constant. */
  readonly monitoringCovariates: readonly CovariateName[];
}

export interface Endpoint {
  readonly id: EndpointId;
  readonly label: string;
  /** 'survival': KM, status 1 = event. 'competing': cause-specific Cox (status 2 censored), Aalen-Johansen CIF. */
  readonly kind: 'survival' | 'competing';
  readonly time: (row: PlanRow) => number;
  readonly status: (row: PlanRow) => number;
}

/** A primary estimand: PORT HR of the monitoring model in one population for one endpoint. */
export interface PrimaryEstimand {
  readonly population: PopulationId;
  readonly endpoint: EndpointId;
  /** Two-sided alpha share this estimand spends (Lan-DeMets O'Brien-Fleming). */
  readonly alpha: number;
  /** How its maximum information is set (src/analysis/monitoring/maxInformation.ts). */
  readonly design: PrimaryDesign;
  /**
   * The spending family: population/endpoint plus a hash of what defines the estimand (population
   * filter, monitoring covariates, endpoint columns). An amendment that changes the definition starts
   * a new family; one that changes only the design or alpha continues the old one.
   */
  readonly family: string;
}

/** Alert thresholds; every one configurable through the plan document. */
export interface AlertThresholds {
  readonly driftZ: number;
  readonly driftMinNewEvents: number;
  readonly phPValue: number;
  readonly phMinEvents: number;
  readonly smdMax: number;
  /** Kish effective sample size of the weighted cohort, as a fraction of n, below which IPTW is unreliable. */
  readonly essFractionMin: number;
  readonly minEventsPopulation: number;
  readonly minEventsPerArm: number;
}

export interface FutilityGuidance {
  /** Conditional power under the current trend below which futility guidance (non-binding) is given. */
  readonly conditionalPowerBelow: number;
  /** ... but only from this information fraction on. */
  readonly fromInformation: number;
}

export interface AnalysisPlan {
  readonly version: string;
  /** SHA-256 of the plan document's canonical JSON. */
  readonly hash: string;
  readonly document: PlanDocument;
  readonly populations: readonly Population[];
  readonly endpoints: readonly Endpoint[];
  readonly primary: readonly PrimaryEstimand[];
  readonly totalAlpha: number;
  readonly futility: FutilityGuidance;
  /** Covariates entering the paper-replication screen (univariate p <= screenP, backward elimination). */
  readonly replicationCovariates: readonly CovariateName[];
  readonly replicationScreenP: number;
  readonly replicationStayP: number;
  /** Landmarks (years) of the KM / cumulative incidence tables. */
  readonly landmarkYears: readonly number[];
  readonly thresholds: AlertThresholds;
}

function populationOf(doc: PlanDocument['populations'][number]): Population {
  const conditions = Object.entries(doc.where) as [keyof PlanRow, string | boolean][];
  return {
    id: doc.id, label: doc.label, monitoringCovariates: doc.monitoringCovariates,
    includes: conditions.length === 0 ? () => true : (row) => conditions.every(([column, value]) => row[column] === value),
  };
}

function endpointOf(doc: PlanDocument['endpoints'][number]): Endpoint {
  return { id: doc.id, label: doc.label, kind: doc.kind, time: (r) => r[doc.time], status: (r) => r[doc.status] };
}

function familyOf(doc: PlanDocument, population: PopulationId, endpoint: EndpointId): string {
  const p = doc.populations.find((q) => q.id === population);
  const e = doc.endpoints.find((q) => q.id === endpoint);
  const definition = canonicalJson({
    where: p?.where, covariates: [...(p?.monitoringCovariates ?? [])].sort(), kind: e?.kind, time: e?.time, status: e?.status,
    model: 'cox-efron-port-complete-case',
  });
  return `${population}/${endpoint}@${createHash('sha256').update(definition).digest('hex').slice(0, 12)}`;
}

/** The runnable plan of a validated document. */
export function planFromDocument(document: PlanDocument): AnalysisPlan {
  return {
    version: document.version, hash: planHash(document), document,
    populations: document.populations.map(populationOf),
    endpoints: document.endpoints.map(endpointOf),
    primary: document.primary.map((p) => ({ population: p.population, endpoint: p.endpoint, alpha: p.alpha, design: p.design, family: familyOf(document, p.population, p.endpoint) })),
    totalAlpha: document.totalAlpha,
    futility: document.futility,
    replicationCovariates: document.replication.covariates,
    replicationScreenP: document.replication.screenP,
    replicationStayP: document.replication.stayP,
    landmarkYears: document.landmarkYears,
    thresholds: document.thresholds,
  };
}

function shippedDocument(): PlanDocument {
  const parsed = parsePlanDocument(defaultPlanJson);
  if (!parsed.ok) throw new Error(`the shipped plan src/analysis/data/default-plan.json is invalid: ${parsed.problems.join('; ')}`);
  return parsed.document;
}

/**
 * The shipped plan (src/analysis/data/default-plan.json): the paper's populations, endpoints and
 * monitoring model; six primary estimands (PORT in groups 1-3 for OS and PFS), each with alpha
 * 0.05/6 (Bonferroni) spent by Lan-DeMets O'Brien-Fleming, maximum information from Schoenfeld's
 * required events for HR 0.70 at 80% power, and a surveillance horizon ending 2030-12-31.
 */
export const DEFAULT_PLAN: AnalysisPlan = planFromDocument(shippedDocument());
export const DEFAULT_THRESHOLDS: AlertThresholds = DEFAULT_PLAN.thresholds;
export const CURRENT_PLAN = DEFAULT_PLAN;

export const PLANS: Readonly<Record<string, AnalysisPlan>> = { [DEFAULT_PLAN.version]: DEFAULT_PLAN };

export function planByVersion(version: string): AnalysisPlan {
  const plan = PLANS[version];
  if (!plan) throw new Error(`unknown analysis plan version "${version}" (known: ${Object.keys(PLANS).join(', ')})`);
  return plan;
}

export function primaryEstimand(plan: AnalysisPlan, population: PopulationId, endpoint: EndpointId): PrimaryEstimand | undefined {
  return plan.primary.find((p) => p.population === population && p.endpoint === endpoint);
}

/** The plan stored with every run: its document, hash and spending families. */
export function describePlan(plan: AnalysisPlan): Record<string, unknown> {
  return { ...plan.document, hash: plan.hash, families: plan.primary.map((p) => p.family) };
}
