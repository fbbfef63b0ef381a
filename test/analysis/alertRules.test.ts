import { describe, expect, it } from 'vitest';
import { evaluateAlerts, INITIAL_RULE_STATE, driftSince, gatingReason, validityIssues } from '../../src/analysis/alerts/index.ts';
import type { LookEstimate, RuleState } from '../../src/analysis/alerts/index.ts';
import { DEFAULT_THRESHOLDS } from '../../src/analysis/plan.ts';

const T = DEFAULT_THRESHOLDS;

function look(over: Partial<LookEstimate> = {}): LookEstimate {
  const coef = over.coef ?? Math.log(0.8);
  const se = over.se ?? 0.2;
  const boundaryZ = over.boundaryZ === undefined ? 3 : over.boundaryZ;
  return {
    population: 'group1', endpoint: 'os', look: 2, cutoff: '2026-06-30',
    coef, se, z: coef / se, events: 80, eventsPort: 40, eventsPtr: 40,
    informationFraction: 0.5, boundaryZ,
    repeatedLower: boundaryZ === null ? null : Math.exp(coef - boundaryZ * se),
    repeatedUpper: boundaryZ === null ? null : Math.exp(coef + boundaryZ * se),
    naiveLower: Math.exp(coef - 1.959964 * se), naiveUpper: Math.exp(coef + 1.959964 * se),
    validity: { phP: 0.5, firth: false, maxAbsSmdWeighted: 0.02, essFraction: 0.9 },
    ...over,
  };
}

const run = (current: LookEstimate, state: RuleState = INITIAL_RULE_STATE, previous: LookEstimate | null = null, paperHr: number | null = null) =>
  evaluateAlerts({ current, state, previous, paperHr, thresholds: T });

describe('boundary crossing', () => {
  it('fires when |z| first reaches the boundary', () => {
    const e = look({ coef: Math.log(0.5), se: 0.2 }); // z = -3.47
    const out = run(e);
    expect(out.decisions.map((d) => [d.rule, d.status])).toEqual([['boundary', 'fired']]);
    expect(out.state.boundaryAlerted).toBe(true);
  });
  it('does not fire again once it has fired', () => {
    const out = run(look({ coef: Math.log(0.4), se: 0.15 }), { ...INITIAL_RULE_STATE, boundaryAlerted: true });
    expect(out.decisions).toEqual([]);
  });
  it('does not fire below the boundary even when the naive 95% CI excludes 1 (shown, never alerting)', () => {
    const out = run(look({ coef: Math.log(0.6), se: 0.2 })); // z = -2.55 < 3
    expect(out.decisions).toEqual([]);
    expect(out.naiveExcludesOne).toBe(true);
  });
  it('is not evaluated for an estimand without a boundary (not primary)', () => {
    expect(run(look({ coef: Math.log(0.3), se: 0.2, boundaryZ: null })).decisions).toEqual([]);
  });
});

describe('departure from the published HR', () => {
  it('fires when the repeated CI newly excludes the paper HR, and not while it keeps excluding it', () => {
    const e = look({ coef: Math.log(1.4), se: 0.1, boundaryZ: 2.5 }); // RCI 1.09-1.80 excludes 0.59
    const first = run(e, { ...INITIAL_RULE_STATE, boundaryAlerted: true }, null, 0.59);
    expect(first.decisions.map((d) => d.rule)).toEqual(['departure']);
    expect(first.state.excludedPaper).toBe(true);
    expect(run(e, first.state, null, 0.59).decisions).toEqual([]);
  });
  it('fires again after the CI came back to include the paper HR and then left it again', () => {
    const inside = run(look({ coef: Math.log(0.7), se: 0.2 }), { ...INITIAL_RULE_STATE, boundaryAlerted: true, excludedPaper: true }, null, 0.59);
    expect(inside.state.excludedPaper).toBe(false);
    const again = run(look({ coef: Math.log(1.4), se: 0.1, boundaryZ: 2.5 }), inside.state, null, 0.59);
    expect(again.decisions.map((d) => d.rule)).toEqual(['departure']);
  });
});

describe('drift', () => {
  it('z = (b_now - b_prev) / sqrt(se_prev^2 - se_now^2)', () => {
    const d = driftSince(look({ coef: 0, se: 0.3, events: 40 }), look({ coef: -0.5, se: 0.2, events: 90 }));
    expect(d?.z).toBeCloseTo(-0.5 / Math.sqrt(0.09 - 0.04), 12);
    expect(d?.newEvents).toBe(50);
  });
  it('is undefined when the information did not grow', () => {
    expect(driftSince(look({ se: 0.2 }), look({ se: 0.2 }))).toBeNull();
  });
  it('fires beyond 2.81 with >= 10 new events, not with 9', () => {
    const prev = look({ coef: 0.2, se: 0.25, events: 70, look: 1, boundaryZ: null });
    const now = look({ coef: -0.6, se: 0.2, events: 80, boundaryZ: null }); // z = -0.8/0.15 = -5.3
    expect(run(now, INITIAL_RULE_STATE, prev).decisions.map((d) => d.rule)).toEqual(['drift']);
    expect(run({ ...now, events: 79 }, INITIAL_RULE_STATE, prev).decisions).toEqual([]);
  });
  it('does not fire at |z| = 2.8', () => {
    const prev = look({ coef: 0, se: 0.25, events: 50, boundaryZ: null });
    const now = look({ coef: -2.8 * 0.15, se: 0.2, events: 80, boundaryZ: null });
    expect(run(now, INITIAL_RULE_STATE, prev).decisions).toEqual([]);
  });
});

describe('validity', () => {
  it('PH p < 0.01 counts only from 30 events', () => {
    const v = { phP: 0.001, firth: false, maxAbsSmdWeighted: 0, essFraction: 1 };
    expect(validityIssues(v, 30, T)).toEqual(['non-proportional-hazards']);
    expect(validityIssues(v, 29, T)).toEqual([]);
    expect(validityIssues({ ...v, phP: 0.011 }, 100, T)).toEqual([]);
  });
  it('Firth fallback, |SMD| > 0.1 and low ESS are issues', () => {
    expect(validityIssues({ phP: null, firth: true, maxAbsSmdWeighted: 0.11, essFraction: 0.49 }, 10, T))
      .toEqual(['firth-fallback', 'iptw-imbalance', 'low-effective-sample-size']);
    expect(validityIssues({ phP: null, firth: false, maxAbsSmdWeighted: 0.1, essFraction: 0.5 }, 10, T)).toEqual([]);
  });
  it('a new issue fires one validity alert and holds the crossing, which then fires at the first valid look', () => {
    const crossing = look({ coef: Math.log(0.5), se: 0.2 });
    const bad = run({ ...crossing, validity: { ...crossing.validity, phP: 0.001 } });
    expect(bad.decisions.map((d) => [d.rule, d.status])).toEqual([['validity', 'fired'], ['boundary', 'held']]);
    expect(bad.state.boundaryAlerted).toBe(false);
    const stillBad = run({ ...crossing, validity: { ...crossing.validity, phP: 0.001 } }, bad.state);
    expect(stillBad.decisions.map((d) => [d.rule, d.status])).toEqual([['boundary', 'held']]);
    const ok = run(crossing, stillBad.state);
    expect(ok.decisions.map((d) => [d.rule, d.status])).toEqual([['boundary', 'fired']]);
  });
});

describe('gating', () => {
  it('needs 20 events in the subgroup and 5 per arm', () => {
    expect(gatingReason(look({ events: 19 }), T)).toMatch(/19 events/);
    expect(gatingReason(look({ events: 40, eventsPort: 4, eventsPtr: 36 }), T)).toMatch(/4 events/);
    expect(gatingReason(look({ events: 20, eventsPort: 5, eventsPtr: 15 }), T)).toBeNull();
  });
  it('no effect alert while gated, and the crossing is not consumed', () => {
    const gated = run(look({ coef: Math.log(0.3), se: 0.3, events: 19, eventsPort: 5, eventsPtr: 14 }));
    expect(gated.decisions).toEqual([]);
    expect(gated.gatedBecause).not.toBeNull();
    expect(gated.state.boundaryAlerted).toBe(false);
  });
  it('thresholds are configurable', () => {
    const out = evaluateAlerts({
      current: look({ coef: Math.log(0.5), se: 0.2 }), previous: null, state: INITIAL_RULE_STATE, paperHr: null,
      thresholds: { ...T, minEventsPopulation: 100 },
    });
    expect(out.decisions).toEqual([]);
  });
});
