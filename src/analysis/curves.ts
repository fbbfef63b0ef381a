import { reverseKmFollowUp, survivalCurves } from '../stats/km/index.ts';
import type { KmCurve } from '../stats/km/index.ts';
import { cumulativeIncidence, grayTest, GrayTestError } from '../stats/competingRisks/index.ts';
import { LogRankError, logRankTest } from '../stats/logrank.ts';
import type { EndpointId, PopulationId } from './plan.ts';
import type { CurveRecord, CurveTestRecord, FollowUpRecord } from './runResult.ts';

export const DAYS_PER_YEAR = 365.25;
/** Curves are stored on a monthly grid: enough for a report's step plot, small at any cohort size. */
const GRID_DAYS = DAYS_PER_YEAR / 12;

const nan2null = (x: number) => (Number.isFinite(x) ? x : null);

/** Last index i with table time <= t (-1 before the first time). */
function stepIndex(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid] <= t) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return found;
}

function thin(curve: KmCurve): Pick<CurveRecord, 'time' | 'estimate' | 'lower' | 'upper' | 'nRisk'> {
  const { table, band } = curve;
  const last = table.time.length > 0 ? table.time[table.time.length - 1] : 0;
  const out = { time: [] as number[], estimate: [] as number[], lower: [] as (number | null)[], upper: [] as (number | null)[], nRisk: [] as number[] };
  for (let t = 0; t <= last + 1e-9; t += GRID_DAYS) {
    const i = stepIndex(table.time, t);
    // n at risk at t: that of the first table time >= t (everyone before the first time).
    const j = Math.min(table.time.length - 1, i + (i >= 0 && table.time[i] === t ? 0 : 1));
    out.time.push(Math.round(t * 100) / 100);
    out.estimate.push(i < 0 ? 1 : table.surv[i]);
    out.lower.push(i < 0 ? 1 : nan2null(band.lower[i]));
    out.upper.push(i < 0 ? 1 : nan2null(band.upper[i]));
    out.nRisk.push(j < 0 ? 0 : table.nRisk[j]);
  }
  return out;
}

/** Kaplan-Meier by PORT arm with values at the plan's landmarks (R's summary(fit, times, extend = TRUE)). */
export function kmByArm(population: PopulationId, endpoint: EndpointId, time: Float64Array, event: Uint8Array, port: Float64Array, landmarkYears: readonly number[]): CurveRecord[] {
  const codes = Int32Array.from(port, (p) => (p === 1 ? 1 : 0));
  const landmarkDays = landmarkYears.map((y) => y * DAYS_PER_YEAR);
  const curves = survivalCurves({ time, event }, { confType: 'log', times: landmarkDays }, { codes, labels: ['ptr', 'port'] });
  return curves.map((curve) => ({
    population, endpoint, arm: curve.group === 'port' ? 'port' : 'ptr', kind: 'survival', n: curve.n, events: curve.nEvent,
    ...thin(curve),
    landmarks: landmarkYears.map((years, k) => {
      const at = curve.at;
      if (!at || at.beyondLastTime[k]) return { years, estimate: null, lower: null, upper: null };
      return { years, estimate: at.surv[k], lower: nan2null(at.lower[k]), upper: nan2null(at.upper[k]) };
    }),
  }));
}

/** Median follow-up and its quartiles by reverse Kaplan-Meier on overall survival (Schemper & Smith 1996). */
export function followUpOf(population: PopulationId, time: Float64Array, event: Uint8Array): FollowUpRecord {
  if (time.length === 0) return { population, n: 0, medianDays: null, lowerDays: null, upperDays: null, q1Days: null, q3Days: null };
  const f = reverseKmFollowUp({ time, event });
  const quantile = (prob: number) => {
    const k = f.reverseKmQuantiles.probs.indexOf(prob);
    return k < 0 ? null : nan2null(f.reverseKmQuantiles.value[k]);
  };
  return {
    population, n: time.length, medianDays: nan2null(f.reverseKm.median), lowerDays: nan2null(f.reverseKm.lower), upperDays: nan2null(f.reverseKm.upper),
    q1Days: quantile(0.25), q3Days: quantile(0.75),
  };
}

/**
 * Aalen-Johansen cumulative incidence of the endpoint by PORT arm, death competing (status 2), as R's
 * survfit(Surv(time, factor(status)) ~ port); values at the plan's landmarks.
 */
export function cifByArm(population: PopulationId, endpoint: EndpointId, time: Float64Array, status: Int32Array, port: Float64Array, landmarkYears: readonly number[]): CurveRecord[] {
  const codes = Int32Array.from(port, (p) => (p === 1 ? 1 : 0));
  const landmarkDays = landmarkYears.map((y) => y * DAYS_PER_YEAR);
  const curves = cumulativeIncidence({ time, status, causes: [endpoint, 'death'] }, { confType: 'log', times: landmarkDays }, { codes, labels: ['ptr', 'port'] });
  return curves.map((curve) => {
    const { table } = curve;
    const p = table.pstate[1];
    const band = table.band[1];
    const last = table.time.length > 0 ? table.time[table.time.length - 1] : 0;
    const out = { time: [] as number[], estimate: [] as number[], lower: [] as (number | null)[], upper: [] as (number | null)[], nRisk: [] as number[] };
    for (let t = 0; t <= last + 1e-9; t += GRID_DAYS) {
      const i = stepIndex(table.time, t);
      const j = Math.min(table.time.length - 1, i + (i >= 0 && table.time[i] === t ? 0 : 1));
      out.time.push(Math.round(t * 100) / 100);
      out.estimate.push(i < 0 ? 0 : p[i]);
      // Where the incidence is still 0 the log-type CI is undefined (R: NA); it is stored as null
      // (no band drawn), never as a 0-100% band.
      out.lower.push(i < 0 || p[i] === 0 ? null : nan2null(band.lower[i]));
      out.upper.push(i < 0 || p[i] === 0 ? null : nan2null(band.upper[i]));
      out.nRisk.push(j < 0 ? 0 : table.nRisk[j]);
    }
    let events = 0;
    for (const d of table.nEvent[1] ?? []) events += d;
    return {
      population, endpoint, arm: curve.group === 'port' ? 'port' : 'ptr', kind: 'incidence', n: curve.n, events, ...out,
      landmarks: landmarkYears.map((years, k) => {
        const at = curve.at;
        if (!at || at.beyondLastTime[k]) return { years, estimate: null, lower: null, upper: null };
        return { years, estimate: at.pstate[1][k], lower: nan2null(at.band[1].lower[k]), upper: nan2null(at.band[1].upper[k]) };
      }),
    } satisfies CurveRecord;
  });
}

const armCodes = (port: Float64Array) => ({ codes: Int32Array.from(port, (p) => (p === 1 ? 1 : 0)), labels: ['ptr', 'port'] });

/** Log-rank test of PORT vs PTR alone; not computed (with the reason) when fewer than two arms have expected events. */
export function logRankRecord(population: PopulationId, endpoint: EndpointId, time: Float64Array, event: Uint8Array, port: Float64Array): CurveTestRecord {
  try {
    const result = logRankTest({ time, event, group: armCodes(port) });
    return { population, endpoint, test: 'logRank', statistic: result.chisq, df: result.df, p: result.p, notComputed: null };
  } catch (error) {
    if (error instanceof LogRankError) return { population, endpoint, test: 'logRank', statistic: null, df: null, p: null, notComputed: error.message };
    throw error;
  }
}

/**
 * Gray's test (Gray 1988; cmprsk's cuminc) of the endpoint's cumulative incidence, PORT vs PTR alone,
 * death competing (status 1 = the endpoint, 2 = death, 0 = censored).
 */
export function grayRecord(population: PopulationId, endpoint: EndpointId, time: Float64Array, status: Int32Array, port: Float64Array): CurveTestRecord {
  const notComputed = (reason: string): CurveTestRecord => ({ population, endpoint, test: 'gray', statistic: null, df: null, p: null, notComputed: reason });
  if (!status.includes(1)) return notComputed(`no ${endpoint.toUpperCase()} event in either arm`);
  try {
    const result = grayTest({ time, status, group: armCodes(port) }).find((r) => r.cause === 1);
    return result ? { population, endpoint, test: 'gray', statistic: result.stat, df: result.df, p: result.p, notComputed: null } : notComputed(`no ${endpoint.toUpperCase()} event`);
  } catch (error) {
    if (error instanceof GrayTestError) return notComputed(error.message);
    throw error;
  }
}
