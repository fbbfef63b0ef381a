import { evaluateAlerts, gatingReason, INITIAL_RULE_STATE } from '../alerts/index.ts';
import type { AlertDecision, LookEstimate } from '../alerts/index.ts';
import { primaryEstimand } from '../plan.ts';
import type { AnalysisPlan, EndpointId, PopulationId, PrimaryEstimand } from '../plan.ts';
import { publishedPortHr } from '../published.ts';
import { estimandKey } from '../runResult.ts';
import type { EstimateRecord } from '../runResult.ts';
import { conditionalPowers, nextState, sequentialStep } from './estimandStep.ts';
import { toLookEstimate } from './lookEstimate.ts';
import { stateStatement } from './statements.ts';
import type { EstimandHistory, EstimandLook, MonitoringHistory } from './types.ts';

export interface MonitoringLookInput {
  readonly cutoff: string;
  /** 1-based number of this look among the registry's (non-voided) looks. */
  readonly look: number;
  /** The plan run's estimates at this cutoff (runPlan; scope 'alerts' is enough). */
  readonly estimates: readonly EstimateRecord[];
}

export interface MonitoringLookOptions {
  /** Compute conditional power (trend and design; one more boundary recursion per estimand). Default true. */
  readonly conditionalPower?: boolean;
}

export interface MonitoringDecision {
  readonly population: PopulationId;
  readonly endpoint: EndpointId;
  readonly decision: AlertDecision;
}

export interface MonitoringLookResult {
  /** The input estimates, the primary ones completed with information fraction, boundary, repeated CI and rule state. */
  readonly estimates: EstimateRecord[];
  /** One per primary estimand of the plan, in plan order: the look as stored and shown. */
  readonly looks: EstimandLook[];
  /** Alerts of this look: effect alerts of primary estimands, every state change, validity problems of any estimand. */
  readonly decisions: MonitoringDecision[];
  /** The history the next look needs. */
  readonly history: MonitoringHistory;
}

const EMPTY_HISTORY: EstimandHistory = { looks: [], previous: null, ruleState: INITIAL_RULE_STATE };
const isMonitoringPort = (e: EstimateRecord) => e.model === 'monitoring' && e.term === 'port';

/**
 * One look of the sequential monitoring: THE function the reanalysis job and the calibration run.
 * A pure fold: (plan, this look's estimates, what earlier looks left) → (stored look, alerts, next
 * history). For each primary estimand it sets the spending time and the boundary (sequentialStep),
 * runs the alert rules on the estimate with that boundary, moves the monitoring state and says a
 * changed state in a sentence; for the other monitored estimands it runs the rules for their validity
 * alerts only. Every primary estimand of the plan gets a look, with or without an estimate, so none
 * can fall silent.
 */
export function monitorLook(plan: AnalysisPlan, input: MonitoringLookInput, history: MonitoringHistory, options: MonitoringLookOptions = {}): MonitoringLookResult {
  const next = new Map(history);
  const decisions: MonitoringDecision[] = [];
  const looks: EstimandLook[] = [];
  const estimates = input.estimates.map((record) => {
    if (!isMonitoringPort(record)) return record;
    const primary = primaryEstimand(plan, record.population, record.endpoint);
    const key = estimandKey(record.population, record.endpoint);
    const before = history.get(key) ?? EMPTY_HISTORY;
    if (primary) {
      const out = primaryLook(plan, primary, input, record, before, options);
      decisions.push(...out.decisions);
      looks.push(out.look);
      next.set(key, out.history);
      return out.record;
    }
    const current = toLookEstimate(record, input.look, input.cutoff);
    if (current === null) return record;
    const evaluation = evaluateAlerts({ current, previous: before.previous, state: before.ruleState, paperHr: null, thresholds: plan.thresholds });
    // Effect alerts watch the primary estimands only (the family the alpha is spent over).
    for (const decision of evaluation.decisions) if (decision.rule === 'validity') decisions.push({ population: record.population, endpoint: record.endpoint, decision });
    next.set(key, { looks: [], previous: current, ruleState: evaluation.state });
    return { ...record, details: { ...record.details, ruleState: evaluation.state, naiveExcludesOne: evaluation.naiveExcludesOne, gatedBecause: evaluation.gatedBecause } };
  });
  // A primary estimand without any estimate record (the plan run gave none) still gets its look.
  for (const primary of plan.primary) {
    if (looks.some((l) => l.population === primary.population && l.endpoint === primary.endpoint)) continue;
    const key = estimandKey(primary.population, primary.endpoint);
    const out = primaryLook(plan, primary, input, null, history.get(key) ?? EMPTY_HISTORY, options);
    decisions.push(...out.decisions);
    looks.push(out.look);
    next.set(key, out.history);
  }
  const order = (l: EstimandLook) => plan.primary.findIndex((p) => p.population === l.population && p.endpoint === l.endpoint);
  looks.sort((a, b) => order(a) - order(b));
  return { estimates, looks, decisions, history: next };
}

function primaryLook(
  plan: AnalysisPlan, primary: PrimaryEstimand, input: MonitoringLookInput, record: EstimateRecord | null, before: EstimandHistory, options: MonitoringLookOptions,
): { record: EstimateRecord; look: EstimandLook; decisions: MonitoringDecision[]; history: EstimandHistory } {
  const { population, endpoint } = primary;
  const raw = record === null ? null : toLookEstimate(record, input.look, input.cutoff);
  const gatedBecause = raw === null ? null : gatingReason(raw, plan.thresholds);
  const nPort = typeof record?.details.nPort === 'number' ? record.details.nPort : null;
  const allocation = record !== null && nPort !== null && record.n > 0 ? nPort / record.n : null;
  const events = record?.events ?? 0;
  const step = sequentialStep({
    estimand: primary, cutoff: input.cutoff, events, allocation, gatedBecause, earlier: before.looks,
    estimate: raw === null ? null : { coef: raw.coef, se: raw.se, z: raw.z },
  });
  const c = step.boundaryZ;
  const current: LookEstimate | null = raw === null ? null : {
    ...raw, informationFraction: step.informationFraction, boundaryZ: c,
    repeatedLower: c === null ? null : Math.exp(raw.coef - c * raw.se), repeatedUpper: c === null ? null : Math.exp(raw.coef + c * raw.se),
  };
  const evaluation = current === null ? null : evaluateAlerts({
    current, previous: before.previous, state: before.ruleState,
    paperHr: publishedPortHr(population, endpoint)?.hr ?? null, thresholds: plan.thresholds,
  });
  const boundaryDecision = evaluation?.decisions.find((d) => d.rule === 'boundary');
  const crossed = boundaryDecision?.status === 'fired';
  const cp = current !== null && !step.descriptive && !crossed && options.conditionalPower !== false
    ? conditionalPowers({ estimand: primary, step, events, estimate: current, earlier: before.looks })
    : { trend: null, design: null };
  const { state, side } = nextState({
    step, crossed, heldCrossing: boundaryDecision?.status === 'held', gated: gatedBecause !== null,
    z: current?.z ?? null, trend: cp.trend, futility: plan.futility,
  });
  const statement = stateStatement({
    population, endpoint, planVersion: plan.version, step, state, side, events,
    hr: current === null ? null : Math.exp(current.coef), z: current?.z ?? null, trend: cp.trend,
    futilityBelow: plan.futility.conditionalPowerBelow, heldCrossing: boundaryDecision?.status === 'held',
  });

  const decisions: MonitoringDecision[] = [];
  for (const decision of evaluation?.decisions ?? []) {
    // The crossing is the state change to 'crossed': its alert says so in the state's sentence.
    const said = decision.rule === 'boundary' && decision.status === 'fired' && statement !== null ? { ...decision, summary: statement } : decision;
    decisions.push({ population, endpoint, decision: said });
  }
  if (statement !== null && state !== 'crossed') {
    decisions.push({
      population, endpoint,
      decision: {
        rule: 'state', status: 'fired', summary: statement,
        evidence: {
          state, previousState: step.previousState, family: step.family, events,
          informationFraction: step.informationFraction, alpha: step.alpha, alphaSpent: step.alphaSpent, boundaryZ: step.boundaryZ,
          z: current?.z ?? null, hr: current === null ? null : Math.exp(current.coef), conditionalPowerTrend: cp.trend, conditionalPowerDesign: cp.design,
        },
      },
    });
  }
  const se = current?.se ?? null;
  const look: EstimandLook = {
    population, endpoint, cutoff: input.cutoff, look: input.look, planVersion: plan.version, family: step.family, state, side,
    events, maxEvents: step.maxEvents, informationFraction: step.informationFraction, alpha: step.alpha, alphaSpent: step.alphaSpent,
    boundaryZ: c, boundaryHrLower: c === null || se === null ? null : Math.exp(-c * se), boundaryHrUpper: c === null || se === null ? null : Math.exp(c * se),
    coef: current?.coef ?? null, se, hr: current === null ? null : Math.exp(current.coef), z: current?.z ?? null,
    repeatedLower: current?.repeatedLower ?? null, repeatedUpper: current?.repeatedUpper ?? null,
    conditionalPower: cp, statement, note: step.note,
  };
  const base: EstimateRecord = record ?? {
    population, endpoint, model: 'monitoring', term: 'port', primary: true, n: 0, events: 0, eventsPort: 0, eventsPtr: 0,
    coef: null, se: null, hr: null, lower: null, upper: null, z: null, p: null,
    informationFraction: null, boundaryZ: null, repeatedLower: null, repeatedUpper: null, details: { reason: 'no estimate record' },
  };
  const completed: EstimateRecord = {
    ...base, primary: true,
    informationFraction: step.informationFraction, boundaryZ: c, repeatedLower: look.repeatedLower, repeatedUpper: look.repeatedUpper,
    details: {
      ...base.details, plannedEvents: step.maxEvents, alpha: step.alpha, alphaSpent: step.alphaSpent, family: step.family, monitoringState: state,
      ...(evaluation ? { ruleState: evaluation.state, naiveExcludesOne: evaluation.naiveExcludesOne, gatedBecause: evaluation.gatedBecause } : {}),
    },
  };
  return {
    record: completed, look, decisions,
    history: { looks: [...before.looks, look], previous: current ?? before.previous, ruleState: evaluation?.state ?? before.ruleState },
  };
}
