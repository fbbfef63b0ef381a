import { CoxFitError, CoxInputError } from '../../stats/cox/index.ts';
import { evaluateAlerts, INITIAL_RULE_STATE } from '../../analysis/alerts/index.ts';
import type { AlertRule, LookEstimate, RuleState } from '../../analysis/alerts/index.ts';
import { estimandData } from '../../analysis/estimandData.ts';
import { firthPort } from '../../analysis/firthModel.ts';
import { propensityWeighted } from '../../analysis/iptwModel.ts';
import { fitPortModel } from '../../analysis/monitoringModel.ts';
import { publishedPortHr } from '../../analysis/published.ts';
import { sequentialLook } from '../../analysis/sequentialLook.ts';
import type { AnalysisPlan } from '../../analysis/plan.ts';
import type { PlanRow } from '../../analysis/planRow.ts';

/** The effect alerts that fired over a series of looks, per rule, with the first boundary crossing. */
export interface MonitoringOutcome {
  fired: Record<Exclude<AlertRule, 'validity'>, number>;
  firstBoundary: { cutoff: string; estimand: string } | null;
}

interface EstimandTrack {
  previous: LookEstimate | null;
  state: RuleState;
  fractions: number[];
}

/**
 * The alert rules applied look after look to the primary estimands, as the scheduled reanalysis does
 * (src/jobs/reanalysis.ts with runPlan's monitoring path: the monitoring Cox model, Firth when the
 * likelihood is monotone, IPTW balance and PH test as validity inputs, the Lan-DeMets look from the
 * information fractions of earlier looks), without the database and without the report-only parts of
 * the plan (replication, curves), which do not feed the alerts and dominate its cost.
 */
export function monitorLooks(plan: AnalysisPlan, looks: Iterable<{ cutoff: string; rows: readonly PlanRow[] }>): MonitoringOutcome {
  const tracks = new Map<string, EstimandTrack>();
  const outcome: MonitoringOutcome = { fired: { boundary: 0, departure: 0, drift: 0 }, firstBoundary: null };
  let lookNumber = 0;
  for (const { cutoff, rows } of looks) {
    lookNumber++;
    for (const primary of plan.primary) {
      const key = `${primary.population}/${primary.endpoint}`;
      const track = tracks.get(key) ?? { previous: null, state: INITIAL_RULE_STATE, fractions: [] };
      tracks.set(key, track);
      const current = lookEstimate(plan, primary, rows, track.fractions, lookNumber, cutoff);
      if (current === null) continue;
      if (current.informationFraction !== null && current.informationFraction > (track.fractions.at(-1) ?? 0)) {
        track.fractions.push(current.informationFraction);
      }
      const evaluation = evaluateAlerts({
        previous: track.previous, state: track.state, current,
        paperHr: publishedPortHr(primary.population, primary.endpoint)?.hr ?? null, thresholds: plan.thresholds,
      });
      for (const decision of evaluation.decisions) {
        if (decision.status !== 'fired' || decision.rule === 'validity') continue;
        outcome.fired[decision.rule]++;
        if (decision.rule === 'boundary' && outcome.firstBoundary === null) outcome.firstBoundary = { cutoff, estimand: key };
      }
      track.previous = current;
      track.state = evaluation.state;
    }
  }
  return outcome;
}

/** An early look (a handful of patients) can give a singular design: that look has no estimate. */
function fitOrNull(data: ReturnType<typeof estimandData>): ReturnType<typeof fitPortModel> {
  try {
    return fitPortModel(data);
  } catch (error) {
    if (error instanceof CoxFitError || error instanceof CoxInputError) return null;
    throw error;
  }
}

/** The propensity model can be singular in a small early cohort: no balance figures at that look. */
function weightedOrNull(data: ReturnType<typeof estimandData>): ReturnType<typeof propensityWeighted> {
  try {
    return propensityWeighted(data);
  } catch (error) {
    if (error instanceof Error && error.message.includes('singular')) return null;
    throw error;
  }
}

function lookEstimate(
  plan: AnalysisPlan, primary: AnalysisPlan['primary'][number], rows: readonly PlanRow[], fractions: readonly number[], look: number, cutoff: string,
): LookEstimate | null {
  const population = plan.populations.find((p) => p.id === primary.population);
  const endpoint = plan.endpoints.find((e) => e.id === primary.endpoint);
  if (!population || !endpoint) throw new Error(`plan ${plan.version} lacks ${primary.population}/${primary.endpoint}`);
  const data = estimandData(rows, population, endpoint, population.monitoringCovariates);
  const fit = fitOrNull(data);
  if (fit === null) return null;
  const estimate = (fit.needsFirth ? firthPort(fit.input) : null) ?? fit;
  if (!Number.isFinite(estimate.coef) || !Number.isFinite(estimate.se)) return null;
  const iptw = weightedOrNull(data);
  const events = data.eventsPort + data.eventsNoPort;
  const sequential = sequentialLook(primary, events, fractions, estimate.coef, estimate.se);
  return {
    population: primary.population, endpoint: primary.endpoint, look, cutoff,
    coef: estimate.coef, se: estimate.se, z: estimate.z, events, eventsPort: data.eventsPort, eventsNoPort: data.eventsNoPort,
    informationFraction: sequential.informationFraction, boundaryZ: sequential.boundaryZ,
    repeatedLower: sequential.repeatedLower, repeatedUpper: sequential.repeatedUpper,
    naiveLower: estimate.lower, naiveUpper: estimate.upper,
    validity: { phP: fit.phP, firth: fit.needsFirth, maxAbsSmdWeighted: iptw?.maxAbsSmdWeighted ?? null, essFraction: iptw?.essFraction ?? null },
  };
}
