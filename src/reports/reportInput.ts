// The input of the quarterly report: everything the report shows, as aggregates only.
//
// Privacy by construction: no field can hold a patient id, a patient's event date or a per-patient
// row. Categories (populations, endpoints, covariates and their levels, event types, rejection
// reasons, alert kinds) are closed unions rendered through the report's own vocabulary, so the few
// free-text fields left are named `...Label`/`title` and are escaped (and scrubbed, see
// `freeText.ts`) when rendered. Counts are raw non-negative integers: the renderer itself
// suppresses every count 0 < n < `privacy.smallCellMin` (defence in depth; the assembler may
// already have suppressed them, which is harmless).
//
// Conventions used throughout:
// - Times on curves are months since primary tumour resection (PTR), months = days / (365.25 / 12).
// - Probabilities (survival, incidence, rates) are fractions in [0, 1], never percentages.
// - `lower`/`upper` are the bounds of a two-sided interval; 95% unless the field says otherwise.
// - p values are raw numbers in [0, 1]; formatting ("<0.001") is the renderer's job.
// - `IsoDate` is a study calendar date (a cutoff), never a patient's date.

import type { RejectionCode } from '../contract/rejectionCode.ts';

/** A calendar date `YYYY-MM-DD` (UTC). Only study-level dates (cutoffs) use it. */
export type IsoDate = string;

/** The populations of the plan: the whole cohort and the paper's three subgroups. */
export type Population = 'all' | 'group1' | 'group2' | 'group3';
export const POPULATIONS: readonly Population[] = ['all', 'group1', 'group2', 'group3'];

/** Endpoints (contract, "Timeline derivation"). LRR and DP are cause-specific in Cox and competing-risk in CIF. */
export type Endpoint = 'os' | 'pfs' | 'lrr' | 'dp';
export const ENDPOINTS: readonly Endpoint[] = ['os', 'pfs', 'lrr', 'dp'];
export type SurvivalEndpoint = 'os' | 'pfs';
export type IncidenceEndpoint = 'lrr' | 'dp';

/** Treatment arm: PTR alone, or PTR followed by postoperative radiotherapy. */
export type Arm = 'ptr' | 'port';
export const ARMS: readonly Arm[] = ['ptr', 'port'];

/** A pair of values, one per arm. */
export interface ByArm<T> {
  readonly ptr: T;
  readonly port: T;
}

/** Follow-up event types of the contract (v1). */
export type EventType = 'registration' | 'lrr' | 'dp' | 'progression' | 'death' | 'last_contact' | 'retraction';

// ---------------------------------------------------------------------------------------------
// Covariates and their levels (contract baseline fields, in the categories the models use).

/** Levels of each model covariate, as in docs/study.md "Baseline covariates". */
export interface CovariateLevels {
  readonly tCategory: 'T1/2' | 'T3/4';
  readonly nCategory: 'N0/1' | 'N2/3';
  readonly subtype: 'luminalA' | 'luminalB' | 'her2' | 'tnbc';
  readonly tnbc: 'nonTnbc' | 'tnbc';
  readonly metastasisCount: 'le5' | 'gt5';
  readonly metastaticBurden: 'single' | 'oligo' | 'disseminated';
  readonly metastaticSite: 'boneOnly' | 'other';
  readonly ptrType: 'bcs' | 'mastectomy';
  readonly axillarySurgery: 'alnd' | 'slnb' | 'none';
  readonly chemotherapy: 'preop' | 'postop' | 'both' | 'none';
  readonly hormonalTherapy: 'yes' | 'no';
  readonly antiHer2: 'yes' | 'no';
  readonly allMetastasesTreated: 'yes' | 'no';
  readonly port: 'port' | 'ptr';
}
export type Covariate = keyof CovariateLevels;

/** One level of one covariate, e.g. `{ covariate: 'tCategory', level: 'T3/4' }`. */
export type CovariateLevel = { [K in Covariate]: { readonly covariate: K; readonly level: CovariateLevels[K] } }[Covariate];

/**
 * A model term: a level compared with its reference, one level or several pooled (a dichotomised
 * covariate such as ALND vs SLNB or none).
 */
export type ModelTerm = {
  [K in Covariate]: { readonly covariate: K; readonly level: CovariateLevels[K]; readonly reference: readonly CovariateLevels[K][] };
}[Covariate];

// ---------------------------------------------------------------------------------------------
// The report.

export interface ReportInput {
  readonly meta: ReportMeta;
  readonly privacy: PrivacySettings;
  readonly flow: PatientEventFlow;
  /** Table 1 (baseline by PORT arm with SMD), one per population shown; at least the whole cohort. */
  readonly baseline: readonly BaselineTable[];
  /** Median follow-up by reverse Kaplan-Meier, per population. */
  readonly followUp: readonly FollowUpSummary[];
  /** Kaplan-Meier curves by arm for OS and PFS, per population. */
  readonly survival: readonly SurvivalCurves[];
  /** Aalen-Johansen cumulative incidence by arm for LRR and DP (death competing), per population. */
  readonly incidence: readonly IncidenceCurves[];
  /** Cox model tables in the style of the paper's Tables 1-3. */
  readonly models: readonly ModelTable[];
  /** Subgroup PORT hazard ratios (monitoring model) for the forest plot. */
  readonly forest: readonly ForestRow[];
  /** Population x endpoint pairs of the plan with no PORT hazard ratio at this look, and why. */
  readonly notEstimated: readonly { readonly population: Population; readonly endpoint: Endpoint; readonly reason: string }[];
  /** For each primary estimand, its z statistic at every look so far against the spending boundary. */
  readonly zPaths: readonly ZPath[];
  /** rpact-style boundary table per primary estimand: every look so far and the planned ones (optional). */
  readonly boundaryTables?: readonly BoundaryTable[];
  /** Sensitivity analyses of the PORT effect per population x endpoint. */
  readonly sensitivity: readonly SensitivityRow[];
  readonly dataQuality: DataQuality;
  /** Alerts raised at this look (state changes only), with their evidence. */
  readonly alerts: readonly ReportAlert[];
}

export interface ReportMeta {
  /** Report title, e.g. "CohortWatch quarterly report: PTR/PORT registry". Free text (escaped, scrubbed). */
  readonly title: string;
  /** The analysis cutoff (end of that day, UTC). */
  readonly cutoff: IsoDate;
  /** Cutoff of the previous reported look, or null at the first look. */
  readonly previousCutoff: IsoDate | null;
  /** 1-based number of this look in the sequential monitoring. */
  readonly look: number;
  /** Version of the analysis plan (e.g. "2026.11-1"). Shown verbatim: `[A-Za-z0-9._+-]{1,64}`. */
  readonly planVersion: string;
  /** Version of the code that ran the analysis (package version and/or git commit), same charset. */
  readonly codeVersion: string;
  /** Hash of the analysis dataset (lower-case hex, e.g. SHA-256), identifying the exact data analysed. */
  readonly dataHash: string;
  /** Id of the stored analysis run (e.g. a UUID); same charset as planVersion. */
  readonly runId: string;
  /** When the report was generated: ISO-8601 date-time (UTC). */
  readonly generatedAt: string;
}

export interface PrivacySettings {
  /** Counts n with 0 < n < smallCellMin are printed as "<smallCellMin" (SMALL_CELL_MIN, default 11). */
  readonly smallCellMin: number;
}

// ---------------------------------------------------------------------------------------------
// Patient and event flow since the last report.

export interface PatientEventFlow {
  /** Patients in the analysis dataset at the previous cutoff (0 at the first look). */
  readonly patientsPrevious: number;
  /** Patients in the analysis dataset at this cutoff. */
  readonly patientsCurrent: number;
  /** Registrations newly counted since the previous cutoff. */
  readonly newRegistrations: number;
  /** Patients no longer counted (registration retracted) since the previous cutoff. */
  readonly removedPatients: number;
  /** Patients by subgroup at this cutoff; `unclassified` lack T category or receptor status. */
  readonly patientsByGroup: Readonly<Record<Exclude<Population, 'all'> | 'unclassified', number>>;
  /** Events received between the two cutoffs, by type: received, applied, rejected, conflicting. */
  readonly eventsByType: readonly EventTypeFlow[];
  /** Endpoint events (status 1) per population x endpoint at the previous and this cutoff. */
  readonly endpointEvents: readonly EndpointEventFlow[];
}

/**
 * Events reported in (previousCutoff, cutoff], by type, as they stand at the cutoff:
 * received = applied + rejected + conflicting + retracted.
 */
export interface EventTypeFlow {
  readonly type: EventType;
  /** Events reported in the window: stored ones and rejected ones. */
  readonly received: number;
  /** Counted in (or, for a retraction or a correcting registration, taking effect on) a patient's timeline. */
  readonly applied: number;
  /** Failed validation (never stored). */
  readonly rejected: number;
  /** Not applied: same eventId with another payload, dated before PTR or after death, an ineffective retraction, no registration. */
  readonly conflicting: number;
  /** Stored, then retracted by a retraction reported by the cutoff. */
  readonly retracted: number;
}

export interface EndpointEventFlow {
  readonly population: Population;
  readonly endpoint: Endpoint;
  /** Events at the previous cutoff (null at the first look). */
  readonly previous: number | null;
  readonly current: number;
}

// ---------------------------------------------------------------------------------------------
// Table 1: baseline characteristics by arm.

export interface BaselineTable {
  readonly population: Population;
  /** Patients per arm (the column totals; percentages are of these). */
  readonly n: ByArm<number>;
  readonly rows: readonly BaselineRow[];
}

export type BaselineRow = CategoricalBaselineRow | ContinuousBaselineRow;

/** A categorical covariate: counts per level and arm, missing per arm, and the standardised difference. */
export interface CategoricalBaselineRow {
  readonly kind: 'categorical';
  readonly covariate: Covariate;
  /** Counts per level (levels of this covariate only, in display order). */
  readonly levels: readonly { readonly level: CovariateLevel['level']; readonly count: ByArm<number> }[];
  readonly missing: ByArm<number>;
  /** Standardised mean difference PORT vs PTR alone (multi-level: Yang & Dalton 2012 Mahalanobis form); unweighted. */
  readonly smd: number | null;
  /** The same after inverse-probability-of-treatment weighting, or null when IPTW was not fitted. */
  readonly smdWeighted: number | null;
}

/** A continuous covariate (age at PTR): median and quartiles per arm. */
export interface ContinuousBaselineRow {
  readonly kind: 'continuous';
  readonly covariate: 'ageAtPtr';
  readonly summary: ByArm<{ readonly median: number; readonly q1: number; readonly q3: number } | null>;
  readonly missing: ByArm<number>;
  readonly smd: number | null;
  readonly smdWeighted: number | null;
}

// ---------------------------------------------------------------------------------------------
// Follow-up and curves.

export interface FollowUpSummary {
  readonly population: Population;
  /** Patients contributing. */
  readonly n: number;
  /** Reverse Kaplan-Meier median follow-up in months with its 95% CI (bounds null when not reached). */
  readonly medianMonths: number | null;
  readonly lower: number | null;
  readonly upper: number | null;
  /** Reverse-KM quartiles of follow-up (months), null when not reached. */
  readonly q1Months: number | null;
  readonly q3Months: number | null;
}

/** One step of a right-continuous step function: `estimate` holds from `time` until the next point. */
export interface CurvePoint {
  /** Months since PTR. The first point of every curve is at time 0. */
  readonly time: number;
  readonly estimate: number;
  /**
   * Pointwise 95% CI as computed by the analysis (R's survfit default is conf.type "log"). NaN where
   * the CI is undefined (R gives NA, e.g. at S = 0): the band is not drawn there, exports hold null.
   */
  readonly lower: number;
  readonly upper: number;
  /** Number at risk just before `time` (used to stop drawing where fewer than smallCellMin remain). */
  readonly nRisk: number;
}

export interface ArmCurve {
  readonly arm: Arm;
  readonly n: number;
  readonly events: number;
  readonly points: readonly CurvePoint[];
}

/** Estimate at a landmark time (3 or 5 years), with its CI. */
export interface LandmarkEstimate {
  readonly arm: Arm;
  readonly years: 3 | 5;
  readonly estimate: number | null;
  readonly lower: number | null;
  readonly upper: number | null;
}

/** Numbers at risk at fixed times (months), per arm, aligned with `times`. */
export interface RiskTable {
  readonly times: readonly number[];
  readonly atRisk: ByArm<readonly number[]>;
}

/**
 * The test of a curve comparison PORT vs PTR alone: log-rank (survival) or Gray's test (Gray 1988,
 * cumulative incidence). Statistic, df and p are null when it was not computed, and `notComputed`
 * says why.
 */
export interface CurveComparison {
  readonly test: 'logRank' | 'gray';
  readonly statistic: number | null;
  readonly df: number | null;
  readonly p: number | null;
  readonly notComputed: string | null;
}

export interface SurvivalCurves {
  readonly kind: 'survival';
  readonly population: Population;
  readonly endpoint: SurvivalEndpoint;
  readonly arms: readonly ArmCurve[];
  readonly riskTable: RiskTable;
  readonly landmarks: readonly LandmarkEstimate[];
  /** Log-rank test PORT vs PTR alone. */
  readonly comparison: CurveComparison;
}

export interface IncidenceCurves {
  readonly kind: 'incidence';
  readonly population: Population;
  readonly endpoint: IncidenceEndpoint;
  /** `estimate` is the cumulative incidence of the endpoint (death competing). */
  readonly arms: readonly ArmCurve[];
  readonly riskTable: RiskTable;
  readonly landmarks: readonly LandmarkEstimate[];
  /** Gray's test of the endpoint's cumulative incidence PORT vs PTR alone. */
  readonly comparison: CurveComparison;
}

// ---------------------------------------------------------------------------------------------
// Model tables (the paper's Tables 1-3).

export interface HazardEstimate {
  readonly hr: number;
  readonly lower: number;
  readonly upper: number;
  readonly p: number;
}

/**
 * A multivariate cell: the estimate, or why there is none (`notEntered`: the univariate screen
 * p > 0.2 kept it out; `eliminated`: removed by backward elimination).
 */
export type MultivariateCell =
  | ({ readonly status: 'estimated' } & HazardEstimate)
  | { readonly status: 'notEntered' }
  | { readonly status: 'eliminated' };

export interface ModelRow {
  readonly term: ModelTerm;
  /** Univariate Cox (null in a monitoring table, which has only the adjusted model). */
  readonly univariate: HazardEstimate | null;
  readonly multivariate: MultivariateCell;
  /** True when the estimate comes from a Firth-penalised refit (monotone likelihood / empty cell). */
  readonly firth: boolean;
}

export interface ModelTable {
  readonly population: Population;
  readonly endpoint: Endpoint;
  /**
   * `replication`: the paper's procedure (univariate, p <= 0.2 screen, backward elimination), never
   * the basis of an alert. `monitoring`: the frozen pre-specified model the alerts watch.
   */
  readonly analysis: 'replication' | 'monitoring';
  /** Patients and endpoint events in the fit. */
  readonly n: number;
  readonly events: number;
  readonly rows: readonly ModelRow[];
}

// ---------------------------------------------------------------------------------------------
// Forest plot and sequential monitoring.

/** A CI: 0 <= lower <= upper; `upper` may be Infinity (an early repeated CI), printed "∞", exported null. */
export interface Interval {
  readonly lower: number;
  readonly upper: number;
}

export interface ForestRow {
  readonly population: Population;
  readonly endpoint: Endpoint;
  /** Primary estimand of the sequential plan (PORT in groups 1-3 for OS and PFS). */
  readonly primary: boolean;
  readonly n: ByArm<number>;
  readonly events: ByArm<number>;
  /** PORT hazard ratio of the monitoring model. */
  readonly hr: number;
  /** Naive 95% CI (shown, never alerts). */
  readonly naive: Interval;
  /** Repeated CI at this look (Jennison & Turnbull 2000, ch. 9), null for a non-primary estimand. */
  readonly repeated: Interval | null;
  /** The paper's published HR and CI for this estimand, when there is one. */
  readonly published: ({ readonly hr: number } & Interval) | null;
  /** Information fraction t = events / planned events, or null for a non-primary estimand. */
  readonly informationFraction: number | null;
  /** The naive 95% CI excludes 1 now but did not at the previous look (displayed, never an alert). */
  readonly naiveNewlyExcludesOne: boolean;
}

export interface ZPathLook {
  readonly look: number;
  readonly cutoff: IsoDate;
  readonly informationFraction: number;
  /** Wald z of the PORT log hazard ratio (negative favours PORT). */
  readonly z: number;
  /** Two-sided critical value |z| at this look (Lan-DeMets O'Brien-Fleming spending); Infinity when the look spent no alpha. */
  readonly boundary: number;
  readonly events: number;
}

export interface ZPath {
  readonly population: Exclude<Population, 'all'>;
  readonly endpoint: SurvivalEndpoint;
  /** Two-sided alpha allocated to this estimand (e.g. 0.05 / 6). */
  readonly alpha: number;
  /** The design's maximum events at the latest look (null when no look derived it yet). */
  readonly plannedEvents: number | null;
  /** Every look with a z so far, in look order, the current one last. */
  readonly looks: readonly ZPathLook[];
  /** Why the estimand has no z at this look (e.g. too few events), or null when it has one. */
  readonly notEstimable: string | null;
}

// ---------------------------------------------------------------------------------------------
// Sensitivity.

export interface SensitivityRow {
  readonly population: Population;
  readonly endpoint: Endpoint;
  /** Monitoring model PORT HR (the reference for the comparisons in this row). */
  readonly monitoring: HazardEstimate;
  /** IPTW-weighted Cox PORT HR with robust (sandwich) CI, or null when not fitted. */
  readonly iptw: HazardEstimate | null;
  /** Kish effective sample size per arm under the weights. */
  readonly effectiveN: ByArm<number> | null;
  /** Largest |SMD| over the covariates after weighting. */
  readonly maxAbsSmdWeighted: number | null;
  /** Firth-penalised PORT HR, when the plan fell back to it (else null). */
  readonly firth: HazardEstimate | null;
  /** E-value of the PORT HR point estimate and of the CI bound closest to 1 (VanderWeele & Ding 2017). */
  readonly eValue: { readonly point: number; readonly ci: number } | null;
  /** Proportional-hazards test (Grambsch-Therneau, cox.zph): PORT term and global p, or null. */
  readonly ph: { readonly portP: number; readonly globalP: number } | null;
}

// ---------------------------------------------------------------------------------------------
// Data quality.

/** The stored rejection code (src/contract/rejectionCode.ts); `unclassified`: recorded before codes were stored. */
export type RejectionReason = Exclude<RejectionCode, 'payloadMismatch'> | 'unclassified';

/** Why a valid event is not applied: the same eventId with another payload, or the timeline's conflicts. */
export type ConflictReason = 'payloadMismatch' | 'beforePtr' | 'afterDeath' | 'noRegistration' | 'invalidRetraction';

export interface DataQuality {
  /** Patients alive and not seen within `overdueAfterMonths` before the cutoff. */
  readonly overdueFollowUp: { readonly overdueAfterMonths: number; readonly patients: number; readonly ofPatients: number };
  /** Patients with the covariate missing, per covariate (all patients at this cutoff). */
  readonly missingCovariates: readonly { readonly covariate: Covariate | 'ageAtPtr'; readonly missing: number; readonly ofPatients: number }[];
  /** Rejected events (failed validation), cumulative to the cutoff and since the previous one, by reason. */
  readonly rejectedEvents: readonly { readonly reason: RejectionReason; readonly total: number; readonly sincePrevious: number }[];
  /** Conflicting events (valid, not applied), by reason. */
  readonly conflictingEvents: readonly { readonly reason: ConflictReason; readonly total: number; readonly sincePrevious: number }[];
  /** Completeness per reporting centre. */
  readonly centres: readonly CentreCompleteness[];
}

export interface CentreCompleteness {
  /** The centre's code as reported (contract: 1-32 characters). Free text (escaped, scrubbed). */
  readonly centreLabel: string;
  readonly patients: number;
  /** Patients with every model covariate present. */
  readonly completeCovariates: number;
  /** Patients seen (or dead) within the overdue window before the cutoff. */
  readonly currentFollowUp: number;
}

// ---------------------------------------------------------------------------------------------
// Alerts.

export type AlertKind = 'boundaryCrossing' | 'departureFromPublished' | 'drift' | 'validity';

export type ValidityReason = 'phViolation' | 'firthFallback' | 'iptwImbalance' | 'lowEffectiveSampleSize';

export interface ReportAlert {
  readonly kind: AlertKind;
  readonly population: Population;
  readonly endpoint: Endpoint;
  /** Stable id of the stored alert (UUID-like, `[A-Za-z0-9-]{1,64}`), the same one its mail carries. */
  readonly alertId: string;
  readonly evidence: AlertEvidence;
}

/**
 * The numbers that justified the alert; fields not relevant to its kind are null. A relevant value
 * that was not computed at this look (no monitoring estimate) is null too, and `notComputed` says why.
 */
export interface AlertEvidence {
  readonly hr: number | null;
  readonly naive: Interval | null;
  readonly repeated: Interval | null;
  readonly z: number | null;
  readonly boundary: number | null;
  readonly informationFraction: number | null;
  readonly events: ByArm<number> | null;
  /** Why the estimate (hr, CIs, z, events) is missing, or null when it is there. */
  readonly notComputed: string | null;
  /** Drift: z of the change since the last reported look and the threshold it exceeded. */
  readonly driftZ: number | null;
  readonly driftThreshold: number | null;
  /** Departure: the published HR the repeated CI newly excludes. */
  readonly publishedHr: number | null;
  /** Validity: why effect alerts for this estimand are held. */
  readonly validityReasons: readonly ValidityReason[];
}

// ---------------------------------------------------------------------------------------------
// Boundary tables (monitoring plan v2).

export interface BoundaryTableRow {
  /** Look number; null for a look the design still plans. */
  readonly look: number | null;
  readonly cutoff: IsoDate | null;
  /** Events at the look (projected for a planned look). */
  readonly events: number;
  readonly informationFraction: number | null;
  /** Cumulative alpha spent by the estimand's family up to this look. */
  readonly alphaSpent: number;
  /** Two-sided critical |z|; null when the look spends nothing. */
  readonly boundaryZ: number | null;
  /** HR at which z reaches the boundary on the benefit / harm side, at the look's (projected) se. */
  readonly boundaryHrLower: number | null;
  readonly boundaryHrUpper: number | null;
  readonly z: number | null;
  readonly hr: number | null;
  /** Monitoring state after the look; null for a planned look. */
  readonly state: 'accruing' | 'monitoring' | 'futility' | 'crossed' | 'complete' | null;
}

export interface BoundaryTable {
  readonly population: Population;
  readonly endpoint: Endpoint;
  readonly alpha: number;
  readonly maxEvents: number | null;
  readonly state: 'accruing' | 'monitoring' | 'futility' | 'crossed' | 'complete';
  readonly side: 'benefit' | 'harm' | null;
  readonly rows: readonly BoundaryTableRow[];
}
