import type { CovariateName } from './covariates.ts';
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
  /** Events at which the information fraction reaches 1. */
  readonly plannedEvents: number;
  /** Two-sided alpha this estimand spends (Lan-DeMets O'Brien-Fleming). */
  readonly alpha: number;
}

/** Alert thresholds; every one configurable through the plan (a new plan version). */
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

export interface AnalysisPlan {
  readonly version: string;
  readonly populations: readonly Population[];
  readonly endpoints: readonly Endpoint[];
  readonly primary: readonly PrimaryEstimand[];
  readonly totalAlpha: number;
  /** Covariates entering the paper-replication screen (univariate p <= screenP, backward elimination). */
  readonly replicationCovariates: readonly CovariateName[];
  readonly replicationScreenP: number;
  readonly replicationStayP: number;
  /** Landmarks (years) of the KM / cumulative incidence tables. */
  readonly landmarkYears: readonly number[];
  readonly thresholds: AlertThresholds;
}

const MONITORING_SET: readonly CovariateName[] = ['t3or4', 'n2or3', 'tnbc', 'metastasesOver5', 'notBoneOnly'];
const without = (drop: readonly CovariateName[]) => MONITORING_SET.filter((c) => !drop.includes(c));

export const DEFAULT_THRESHOLDS: AlertThresholds = {
  driftZ: 2.81,
  driftMinNewEvents: 10,
  phPValue: 0.01,
  phMinEvents: 30,
  smdMax: 0.1,
  essFractionMin: 0.5,
  minEventsPopulation: 20,
  minEventsPerArm: 5,
};

const TOTAL_ALPHA = 0.05;
// Planned events: roughly twice the events the paper's 426 patients had by its cut (5-year OS 73%,
// PFS 32%), scaled to each subgroup's size, i.e. the registry is planned to mature to double the paper.
const PRIMARY_EVENTS: readonly [PopulationId, EndpointId, number][] = [
  ['group1', 'os', 120], ['group1', 'pfs', 260],
  ['group2', 'os', 140], ['group2', 'pfs', 260],
  ['group3', 'os', 60], ['group3', 'pfs', 80],
];

/** Version 1 of the monitoring plan, frozen: change it only by adding a new version. */
export const PLAN_V1: AnalysisPlan = {
  version: 'cw-plan-1',
  populations: [
    { id: 'all', label: 'All patients', includes: () => true, monitoringCovariates: MONITORING_SET },
    { id: 'group1', label: 'Group 1: T1/2, non-TNBC', includes: (r) => r.group === 'group1', monitoringCovariates: without(['t3or4', 'tnbc']) },
    { id: 'group2', label: 'Group 2: T3/4, non-TNBC', includes: (r) => r.group === 'group2', monitoringCovariates: without(['t3or4', 'tnbc']) },
    { id: 'group3', label: 'Group 3: TNBC', includes: (r) => r.group === 'group3', monitoringCovariates: without(['tnbc']) },
  ],
  endpoints: [
    { id: 'os', label: 'Overall survival', kind: 'survival', time: (r) => r.osDays, status: (r) => r.osStatus },
    { id: 'pfs', label: 'Progression-free survival', kind: 'survival', time: (r) => r.pfsDays, status: (r) => r.pfsStatus },
    { id: 'lrr', label: 'Locoregional recurrence', kind: 'competing', time: (r) => r.lrrDays, status: (r) => r.lrrStatus },
    { id: 'dp', label: 'Distant progression', kind: 'competing', time: (r) => r.dpDays, status: (r) => r.dpStatus },
  ],
  // Bonferroni split of the family-wise alpha across the six primary estimands, each spent by its own
  // Lan-DeMets O'Brien-Fleming function (conservative, as the estimands are positively correlated).
  primary: PRIMARY_EVENTS.map(([population, endpoint, plannedEvents]) => ({
    population, endpoint, plannedEvents, alpha: TOTAL_ALPHA / PRIMARY_EVENTS.length,
  })),
  totalAlpha: TOTAL_ALPHA,
  replicationCovariates: [
    'port', 't3or4', 'n2or3', 'tnbc', 'metastasesOver5', 'disseminated', 'notBoneOnly', 'mastectomy',
    'alnd', 'postoperativeChemoAlone', 'noChemotherapy', 'hormonalTherapy', 'antiHer2', 'allMetastasesTreated',
  ],
  replicationScreenP: 0.2,
  replicationStayP: 0.05,
  landmarkYears: [3, 5],
  thresholds: DEFAULT_THRESHOLDS,
};

export const PLANS: Readonly<Record<string, AnalysisPlan>> = { [PLAN_V1.version]: PLAN_V1 };
export const CURRENT_PLAN = PLAN_V1;

export function planByVersion(version: string): AnalysisPlan {
  const plan = PLANS[version];
  if (!plan) throw new Error(`unknown analysis plan version "${version}" (known: ${Object.keys(PLANS).join(', ')})`);
  return plan;
}

export function primaryEstimand(plan: AnalysisPlan, population: PopulationId, endpoint: EndpointId): PrimaryEstimand | undefined {
  return plan.primary.find((p) => p.population === population && p.endpoint === endpoint);
}

/** A JSON description of the plan (functions described by name), stored with every run. */
export function describePlan(plan: AnalysisPlan): Record<string, unknown> {
  return {
    version: plan.version,
    populations: plan.populations.map((p) => ({ id: p.id, label: p.label, monitoringCovariates: p.monitoringCovariates })),
    endpoints: plan.endpoints.map((e) => ({ id: e.id, label: e.label, kind: e.kind })),
    primary: plan.primary,
    totalAlpha: plan.totalAlpha,
    spending: "Lan-DeMets O'Brien-Fleming, two-sided, per primary estimand",
    replication: { covariates: plan.replicationCovariates, screenP: plan.replicationScreenP, stayP: plan.replicationStayP },
    landmarkYears: plan.landmarkYears,
    thresholds: plan.thresholds,
  };
}
