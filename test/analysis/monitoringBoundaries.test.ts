// Boundaries of recorded information histories against rpact (scripts/r/rpact-monitoring-boundaries.R
// wrote the fixture): the production step (sequentialStep) look by look, including a maximum that
// changes between looks (Schoenfeld's rule, an amendment) and a look that over-runs the maximum.
import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/rpact/monitoring-boundaries.json' with { type: 'json' };
import { sequentialStep } from '../../src/analysis/monitoring/estimandStep.ts';
import type { EstimandLook } from '../../src/analysis/monitoring/index.ts';
import type { PrimaryEstimand } from '../../src/analysis/plan.ts';
import { inflationFactor } from '../../src/stats/sequential/index.ts';
import { INFLATION_GRID } from '../../src/analysis/monitoring/maxInformation.ts';

interface RpactCase {
  name: string;
  alpha: number;
  events: number[];
  maxEvents: number[];
  informationFraction: number[];
  cumulativeAlphaSpent: number[];
  criticalValues: (number | null)[];
}

const estimand = (alpha: number, maxEvents: number): PrimaryEstimand => ({
  population: 'group1', endpoint: 'pfs', alpha, family: 'group1/pfs@test',
  design: { targetHr: 0.7, power: 0.8, maxInformation: { rule: 'events', maxEvents }, horizon: null },
});

function replay(c: RpactCase): EstimandLook[] {
  const looks: EstimandLook[] = [];
  c.events.forEach((events, k) => {
    const step = sequentialStep({
      estimand: estimand(c.alpha, c.maxEvents[k]), cutoff: `${2010 + k}-12-31`, events, allocation: 0.4, gatedBecause: null,
      earlier: looks, estimate: { coef: -0.1, se: 0.1, z: -1 },
    });
    looks.push({
      population: 'group1', endpoint: 'pfs', cutoff: `${2010 + k}-12-31`, look: k + 1, planVersion: 'test', family: step.family,
      state: 'monitoring', side: null, events, maxEvents: step.maxEvents, informationFraction: step.informationFraction,
      alpha: step.alpha, alphaSpent: step.alphaSpent, boundaryZ: step.boundaryZ, boundaryHrLower: null, boundaryHrUpper: null,
      coef: -0.1, se: 0.1, hr: Math.exp(-0.1), z: -1, repeatedLower: null, repeatedUpper: null,
      conditionalPower: { trend: null, design: null }, statement: null, note: step.note,
    });
  });
  return looks;
}

describe('boundaries of a recorded information history equal rpact\'s', () => {
  for (const c of fixture.boundaries as RpactCase[]) {
    it(c.name, () => {
      const looks = replay(c);
      looks.forEach((look, k) => {
        const expected = c.criticalValues[k];
        if (expected === null) {
          // A look that spends nothing (below 1e-12): no boundary, and left out of the rpact design.
          expect(look.boundaryZ).toBeNull();
        } else {
          expect(look.boundaryZ).not.toBeNull();
          expect(Math.abs((look.boundaryZ ?? NaN) - expected)).toBeLessThan(1e-6);
        }
        expect(look.informationFraction).toBeCloseTo(c.informationFraction[k], 12);
        expect(Math.abs(look.alphaSpent - c.cumulativeAlphaSpent[k])).toBeLessThan(1e-9);
      });
    });
  }
});

describe('the inflation factor of the Schoenfeld rule equals rpact\'s', () => {
  for (const f of fixture.inflationFactors) {
    it(`alpha ${f.alpha.toPrecision(3)}, power ${f.power}, ${f.looks} looks`, () => {
      expect(Math.abs(inflationFactor({ alpha: f.alpha, power: f.power, looks: f.looks }) - f.inflationFactor)).toBeLessThan(1e-6);
      // The coarser grid the design rule uses (maxInformation.ts) is as good to 1e-6.
      expect(Math.abs(inflationFactor({ alpha: f.alpha, power: f.power, looks: f.looks, gridSize: INFLATION_GRID }) - f.inflationFactor)).toBeLessThan(1e-6);
    });
  }
});
