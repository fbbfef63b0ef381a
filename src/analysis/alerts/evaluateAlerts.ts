import type { AlertThresholds } from '../plan.ts';
import { crossesBoundary } from './boundaryCrossing.ts';
import { excludesPublished } from './departure.ts';
import { driftSince } from './drift.ts';
import { gatingReason } from './gating.ts';
import { newValidityIssues, validityIssues } from './validity.ts';
import type { AlertDecision, LookEstimate, RuleState } from './types.ts';

export interface AlertEvaluationInput {
  /** This estimand's estimate at the previous look (null at its first look). */
  readonly previous: LookEstimate | null;
  /** The state the previous looks left (INITIAL_RULE_STATE at the first look). */
  readonly state: RuleState;
  readonly current: LookEstimate;
  /** The published HR for this estimand (kim2022-targets.json), null if the paper gives none. */
  readonly paperHr: number | null;
  readonly thresholds: AlertThresholds;
}

export interface AlertEvaluation {
  readonly decisions: AlertDecision[];
  readonly state: RuleState;
  /** Shown in reports, never alerts: the naive 95% CI excludes 1 at this look. */
  readonly naiveExcludesOne: boolean;
  readonly gatedBecause: string | null;
}

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

function effectEvidence(e: LookEstimate): Record<string, number | null> {
  return {
    hr: r4(Math.exp(e.coef)), z: r4(e.z), events: e.events, eventsPort: e.eventsPort, eventsPtr: e.eventsPtr,
    informationFraction: e.informationFraction === null ? null : r4(e.informationFraction),
    boundaryZ: e.boundaryZ === null ? null : r4(e.boundaryZ),
    repeatedLower: e.repeatedLower === null ? null : r4(e.repeatedLower),
    repeatedUpper: e.repeatedUpper === null ? null : r4(e.repeatedUpper),
    naiveLower: r4(e.naiveLower), naiveUpper: r4(e.naiveUpper),
  };
}

/**
 * The alert decisions of one estimand at one look: a pure function of the stored past and the
 * current estimate. Effect alerts (boundary, departure, drift) need the gating counts; while a
 * validity problem holds they are stored as 'held' and their state is not consumed, so a held
 * first crossing still alerts at the first valid look.
 */
export function evaluateAlerts(input: AlertEvaluationInput): AlertEvaluation {
  const { previous, state, current, paperHr, thresholds } = input;
  const decisions: AlertDecision[] = [];
  const issues = validityIssues(current.validity, current.events, thresholds);
  const fresh = newValidityIssues(issues, state.validityIssues);
  if (fresh.length > 0) {
    decisions.push({
      rule: 'validity', status: 'fired',
      summary: `validity problem: ${fresh.join(', ')}; effect alerts held while it lasts`,
      evidence: {
        issues: fresh, phP: current.validity.phP, firth: current.validity.firth,
        maxAbsSmdWeighted: current.validity.maxAbsSmdWeighted, essFraction: current.validity.essFraction, events: current.events,
        notComputed: current.validity.notComputed ?? [],
      },
    });
  }
  const naiveExcludesOne = current.naiveLower > 1 || current.naiveUpper < 1;
  const gatedBecause = gatingReason(current, thresholds);
  if (gatedBecause !== null) {
    return { decisions, state: { ...state, validityIssues: issues }, naiveExcludesOne, gatedBecause };
  }
  const held = issues.length > 0;
  const status = held ? 'held' : 'fired';
  const holdNote = held ? ` (held: ${issues.join(', ')})` : '';
  let { boundaryAlerted, excludedPaper } = state;

  if (!boundaryAlerted && crossesBoundary(current)) {
    decisions.push({
      rule: 'boundary', status,
      summary: `|z| = ${Math.abs(current.z).toFixed(2)} reached the boundary ${(current.boundaryZ ?? NaN).toFixed(2)} at information ${(current.informationFraction ?? NaN).toFixed(2)}${holdNote}`,
      evidence: effectEvidence(current),
    });
    if (!held) boundaryAlerted = true;
  }
  if (paperHr !== null && current.repeatedLower !== null) {
    const excludes = excludesPublished(current, paperHr);
    if (excludes && !excludedPaper) {
      decisions.push({
        rule: 'departure', status,
        summary: `repeated CI ${current.repeatedLower.toFixed(2)}-${(current.repeatedUpper ?? NaN).toFixed(2)} now excludes the published HR ${paperHr}${holdNote}`,
        evidence: { ...effectEvidence(current), paperHr },
      });
    }
    if (!held) excludedPaper = excludes;
  }
  if (previous !== null) {
    const drift = driftSince(previous, current);
    if (drift !== null && drift.newEvents >= thresholds.driftMinNewEvents && Math.abs(drift.z) > thresholds.driftZ) {
      decisions.push({
        rule: 'drift', status,
        summary: `HR moved from ${Math.exp(previous.coef).toFixed(2)} to ${Math.exp(current.coef).toFixed(2)} since look ${previous.look} (drift z = ${drift.z.toFixed(2)}, ${drift.newEvents} new events)${holdNote}`,
        evidence: { ...effectEvidence(current), driftZ: r4(drift.z), newEvents: drift.newEvents, previousHr: r4(Math.exp(previous.coef)), previousLook: previous.look },
      });
    }
  }
  return { decisions, state: { boundaryAlerted, excludedPaper, validityIssues: issues }, naiveExcludesOne, gatedBecause: null };
}
