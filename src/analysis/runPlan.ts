import { eValueForHazardRatio } from '../stats/evalue.ts';
import { estimandData } from './estimandData.ts';
import type { EstimandData } from './estimandData.ts';
import { cifByArm, followUpOf, grayRecord, kmByArm, logRankRecord } from './curves.ts';
import { fitPortModel } from './monitoringModel.ts';
import type { PortFit } from './monitoringModel.ts';
import { primaryEstimand } from './plan.ts';
import type { AnalysisPlan, Endpoint, Population } from './plan.ts';
import type { PlanRow } from './planRow.ts';
import type { CurveRecord, CurveTestRecord, EstimateRecord, FollowUpRecord, PlanRunResult } from './runResult.ts';
import { firthPort } from './firthModel.ts';
import { isReplicated, replicationEstimates } from './replication.ts';
import { propensityWeighted } from './iptwModel.ts';
import type { IptwResult } from './iptwModel.ts';
import { rethrowResourceErrors } from './resourceErrors.ts';
import { notEstimableOrThrow } from './notEstimable.ts';
import type { NotEstimableReason } from './notEstimable.ts';

const everyRow = (): boolean => true;

/** VanderWeele & Ding: the HR approximates the risk ratio when the outcome is rare (< 15% by the end). */
const RARE_OUTCOME = 0.15;

function counts(data: EstimandData) {
  return { n: data.n, events: data.eventsPort + data.eventsPtr, eventsPort: data.eventsPort, eventsPtr: data.eventsPtr };
}

function emptyEstimate(population: Population, endpoint: Endpoint, data: EstimandData, primary: boolean, reason: string, notEstimable: NotEstimableReason): EstimateRecord {
  return {
    population: population.id, endpoint: endpoint.id, model: 'monitoring', term: 'port', primary, ...counts(data),
    coef: null, se: null, hr: null, lower: null, upper: null, z: null, p: null,
    informationFraction: null, boundaryZ: null, repeatedLower: null, repeatedUpper: null,
    details: { reason, notEstimable, nPort: data.nPort, nPtr: data.n - data.nPort },
  };
}

function eValue(fit: PortFit, data: EstimandData) {
  if (!(fit.hr > 0) || !Number.isFinite(fit.hr) || !(fit.lower > 0) || !Number.isFinite(fit.upper)) return null;
  const outcome = (data.eventsPort + data.eventsPtr) / data.n < RARE_OUTCOME ? 'rare' : 'common';
  const e = eValueForHazardRatio(fit.hr, { lower: fit.lower, upper: fit.upper }, outcome);
  return { point: e.estimate, ci: e.limit, outcome };
}

/**
 * The IPTW model (null when there is nothing to weight), or why the propensity model could not be
 * fitted (collinear, separated): a balance check that could not be computed holds effect alerts.
 */
function propensityOrReason(data: EstimandData): { iptw: IptwResult | null; notComputed: string | null } {
  try {
    return { iptw: propensityWeighted(data), notComputed: null };
  } catch (error) {
    rethrowResourceErrors(error);
    return { iptw: null, notComputed: `propensity model: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function monitoringEstimates(plan: AnalysisPlan, population: Population, endpoint: Endpoint, data: EstimandData, alertsOnly: boolean): EstimateRecord[] {
  const primary = primaryEstimand(plan, population.id, endpoint.id);
  let fit: PortFit | null;
  try {
    fit = fitPortModel(data);
  } catch (error) {
    // A data problem (singular design, no events, monotone likelihood) is recorded with its reason and
    // must not fail the whole look; any other error does (notEstimableOrThrow rethrows it).
    const problem = notEstimableOrThrow(error);
    return [emptyEstimate(population, endpoint, data, primary !== undefined, `not estimable: ${problem.message}`, problem.reason)];
  }
  if (fit === null) {
    const reason = data.nPort === 0 || data.nPort === data.n ? 'empty-arm' : 'no-events';
    return [emptyEstimate(population, endpoint, data, primary !== undefined, reason === 'empty-arm' ? 'not estimable: an arm is empty' : 'not estimable: there are no events', reason)];
  }
  const firth = fit.needsFirth ? firthPort(fit.input, { profile: !alertsOnly }) : null;
  // With a monotone likelihood the ordinary estimate is infinite: the monitoring estimate is Firth's
  // (and the fallback holds effect alerts as a validity problem).
  const est = firth ?? fit;
  const { iptw, notComputed: propensityNotComputed } = propensityOrReason(data);
  const notComputed = [fit.phNotComputed, propensityNotComputed].filter((r): r is string => r !== null);
  const validity = {
    phP: fit.phP, firth: fit.needsFirth,
    maxAbsSmdWeighted: iptw?.maxAbsSmdWeighted ?? null, essFraction: iptw?.essFraction ?? null,
    ...(notComputed.length > 0 ? { notComputed } : {}),
  };
  const monitoring: EstimateRecord = {
    population: population.id, endpoint: endpoint.id, model: 'monitoring', term: 'port', primary: primary !== undefined, ...counts(data),
    coef: est.coef, se: est.se, hr: est.hr, lower: est.lower, upper: est.upper, z: est.z, p: est.p,
    // The sequential fields are set by the monitoring look (src/analysis/monitoring), which knows the history.
    informationFraction: null, boundaryZ: null, repeatedLower: null, repeatedUpper: null,
    details: {
      nPort: data.nPort, nPtr: data.n - data.nPort, covariates: data.covariates.map((c) => c.name),
      phP: fit.phP, phGlobalP: fit.phGlobalP, eValue: fit.needsFirth ? null : eValue(fit, data), validity,
      firth: fit.needsFirth, firthAvailable: firth !== null,
      warnings: fit.fit.warnings,
    },
  };
  const out: EstimateRecord[] = [monitoring];
  if (firth) {
    out.push({
      population: population.id, endpoint: endpoint.id, model: 'firth', term: 'port', primary: false, ...counts(data),
      coef: firth.coef, se: firth.se, hr: firth.hr, lower: firth.lower, upper: firth.upper, z: firth.z, p: firth.p,
      informationFraction: null, boundaryZ: null, repeatedLower: null, repeatedUpper: null,
      details: { penalised: true, ciMethod: firth.ciMethod, converged: firth.converged },
    });
  }
  // Adjusted covariate terms of the monitoring model, for the report's tables.
  fit.fit.terms.slice(1).forEach((t) => out.push({
    population: population.id, endpoint: endpoint.id, model: 'monitoring', term: t.term, primary: false, ...counts(data),
    coef: t.coef, se: t.se, hr: t.hr, lower: t.lower, upper: t.upper, z: t.z, p: t.p,
    informationFraction: null, boundaryZ: null, repeatedLower: null, repeatedUpper: null, details: {},
  }));
  if (iptw?.fit) {
    const t = iptw.fit;
    out.push({
      population: population.id, endpoint: endpoint.id, model: 'iptw', term: 'port', primary: false, ...counts(data),
      coef: t.coef, se: t.se, hr: t.hr, lower: t.lower, upper: t.upper, z: t.z, p: t.p,
      informationFraction: null, boundaryZ: null, repeatedLower: null, repeatedUpper: null,
      details: { maxAbsSmdWeighted: iptw.maxAbsSmdWeighted, maxAbsSmdUnweighted: iptw.maxAbsSmdUnweighted, essPort: iptw.essPort, essNoPort: iptw.essNoPort, essFraction: iptw.essFraction },
    });
  }
  return out;
}

export interface RunPlanOptions {
  /**
   * 'full' (default): everything the report shows. 'alerts': only what the alert rules read, i.e. the
   * monitoring model (with Firth and IPTW/PH validity inputs) of the primary estimands; no paper
   * replication, curves, follow-up or secondary estimands, and Firth fits without their profile intervals
   * (Wald limits; the rules read coef, se and z) (the calibration's fast path). The alert decisions are
   * the same as under 'full' (test/analysis/alertsScope.test.ts).
   */
  readonly scope?: 'full' | 'alerts';
  /**
   * Run only some of the (population, endpoint) pairs: asked once per pair, in plan order, with the
   * pair's ordinal (the whole plan when absent). Threads that each take pairs as they become free
   * (src/jobs/planThread.ts) share the plan, and mergePlanShares puts their records back in plan order.
   */
  readonly takes?: (ordinal: number) => boolean;
}

/**
 * Runs the plan on the analysis dataset of one cutoff: a pure function of (plan, rows), so the same
 * cutoff and plan give the same numbers. The sequential part (information, boundaries, states) is
 * the monitoring look's (src/analysis/monitoring/monitorLook.ts), which needs the earlier looks.
 */
export function runPlan(plan: AnalysisPlan, rows: readonly PlanRow[], options: RunPlanOptions = {}): PlanRunResult {
  const alertsOnly = options.scope === 'alerts';
  const timingsMs: Record<string, number> = {};
  const time = <T>(label: string, work: () => T): T => {
    const t0 = performance.now();
    const value = work();
    timingsMs[label] = (timingsMs[label] ?? 0) + performance.now() - t0;
    return value;
  };
  const estimates: EstimateRecord[] = [];
  const curves: CurveRecord[] = [];
  const curveTests: CurveTestRecord[] = [];
  const followUp: FollowUpRecord[] = [];
  let ordinal = -1;
  for (const planPopulation of plan.populations) {
    // The population's rows, filtered once (not once per endpoint and model): the same rows in the
    // same order, handed on with a population that includes them all.
    let members: readonly PlanRow[] | null = null;
    for (const endpoint of plan.endpoints) {
      ordinal += 1;
      if (options.takes && !options.takes(ordinal)) continue;
      if (alertsOnly && primaryEstimand(plan, planPopulation.id, endpoint.id) === undefined) continue;
      members ??= time('design', () => rows.filter(planPopulation.includes));
      const population: Population = { ...planPopulation, includes: everyRow };
      const populationRows = members;
      const data = time('design', () => estimandData(populationRows, population, endpoint, population.monitoringCovariates));
      estimates.push(...time('monitoring+iptw', () => monitoringEstimates(plan, population, endpoint, data, alertsOnly)));
      if (alertsOnly) continue;
      if (isReplicated(population, endpoint)) estimates.push(...time('replication', () => replicationEstimates(plan, population, endpoint, populationRows)));
      // Curves and follow-up use every patient of the population, not only those with complete covariates.
      const all = time('design', () => estimandData(populationRows, population, endpoint, []));
      if (all.n > 0 && endpoint.kind === 'survival') {
        curves.push(...time('curves', () => kmByArm(population.id, endpoint.id, all.time, all.event, all.port, plan.landmarkYears)));
        curveTests.push(time('curves', () => logRankRecord(population.id, endpoint.id, all.time, all.event, all.port)));
      }
      if (all.n > 0 && endpoint.kind === 'competing') {
        const status = Int32Array.from(populationRows, (r) => endpoint.status(r));
        curves.push(...time('curves', () => cifByArm(population.id, endpoint.id, all.time, status, all.port, plan.landmarkYears)));
        curveTests.push(time('curves', () => grayRecord(population.id, endpoint.id, all.time, status, all.port)));
      }
      if (endpoint.id === 'os') followUp.push(time('followUp', () => followUpOf(population.id, all.time, all.event)));
    }
  }
  const patientsByGroup: Record<string, number> = {};
  for (const row of rows) patientsByGroup[row.group] = (patientsByGroup[row.group] ?? 0) + 1;
  return { planVersion: plan.version, patients: rows.length, patientsByGroup, estimates, curves, curveTests, followUp, timingsMs };
}

/**
 * The result of the whole plan from the results of its shares (runPlan with `takes`): records in
 * plan order, as one runPlan over every pair would have produced them (each pair's records are
 * contiguous and in order within its share, and a stable sort by pair ordinal restores the
 * interleaving). Stage timings are summed over the shares.
 */
export function mergePlanShares(plan: AnalysisPlan, shares: readonly PlanRunResult[]): PlanRunResult {
  const ordinal = new Map<string, number>();
  plan.populations.forEach((p, i) => plan.endpoints.forEach((e, j) => ordinal.set(`${p.id}/${e.id}`, i * plan.endpoints.length + j)));
  const rank = (population: string, endpoint: string): number => ordinal.get(`${population}/${endpoint}`) ?? Number.MAX_SAFE_INTEGER;
  const byPair = <R extends { population: string; endpoint: string }>(records: R[]): R[] =>
    records.sort((a, b) => rank(a.population, a.endpoint) - rank(b.population, b.endpoint));
  // Follow-up is computed on OS only, once per population.
  const followUp = shares.flatMap((s) => s.followUp).sort((a, b) => rank(a.population, 'os') - rank(b.population, 'os'));
  const timingsMs: Record<string, number> = {};
  for (const share of shares) for (const [k, v] of Object.entries(share.timingsMs)) timingsMs[k] = (timingsMs[k] ?? 0) + v;
  const first = shares[0];
  return {
    planVersion: first.planVersion, patients: first.patients, patientsByGroup: first.patientsByGroup,
    estimates: byPair(shares.flatMap((s) => s.estimates)),
    curves: byPair(shares.flatMap((s) => s.curves)),
    curveTests: byPair(shares.flatMap((s) => s.curveTests)),
    followUp, timingsMs,
  };
}
