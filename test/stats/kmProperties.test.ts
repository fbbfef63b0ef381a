import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cumulativeIncidence } from '../../src/stats/competingRisks/index.ts';
import { kaplanMeier, survivalCurves } from '../../src/stats/km/index.ts';

// Seeded property checks of invariances users rely on (the fixtures pin the numbers themselves).
const rowsArbitrary = fc.array(fc.record({ time: fc.integer({ min: 1, max: 40 }), event: fc.integer({ min: 0, max: 1 }), cause: fc.integer({ min: 1, max: 2 }) }), { minLength: 2, maxLength: 60 });
const SEED = { seed: 20261126, numRuns: 100 };

describe('Kaplan-Meier properties', () => {
  it('does not depend on row order', () => {
    fc.assert(
      fc.property(rowsArbitrary, fc.array(fc.nat(), { minLength: 60, maxLength: 60 }), (rows, keys) => {
        const shuffled = rows.map((row, i) => ({ row, key: keys[i] })).sort((a, b) => a.key - b.key).map((x) => x.row);
        const fit = (list: typeof rows) => kaplanMeier({ time: Float64Array.from(list, (r) => r.time), event: Uint8Array.from(list, (r) => r.event) });
        expect(fit(shuffled)).toEqual(fit(rows));
      }),
      SEED,
    );
  });

  it('case weights of 2 give the same curve as duplicated rows', () => {
    fc.assert(
      fc.property(rowsArbitrary, (rows) => {
        const weighted = kaplanMeier({ time: Float64Array.from(rows, (r) => r.time), event: Uint8Array.from(rows, (r) => r.event), weights: new Float64Array(rows.length).fill(2) });
        const doubled = [...rows, ...rows];
        const duplicated = kaplanMeier({ time: Float64Array.from(doubled, (r) => r.time), event: Uint8Array.from(doubled, (r) => r.event) });
        expect(Array.from(weighted.nRisk)).toEqual(Array.from(duplicated.nRisk));
        weighted.surv.forEach((s, j) => expect(s).toBeCloseTo(duplicated.surv[j], 14));
        weighted.stdErrLogS.forEach((s, j) => (Number.isFinite(s) ? expect(s).toBeCloseTo(duplicated.stdErrLogS[j], 12) : expect(duplicated.stdErrLogS[j]).toBe(s)));
      }),
      SEED,
    );
  });

  it('the event-free state of the Aalen-Johansen estimate is the Kaplan-Meier of any event', () => {
    fc.assert(
      fc.property(rowsArbitrary, (rows) => {
        const time = Float64Array.from(rows, (r) => r.time);
        const [km] = survivalCurves({ time, event: Uint8Array.from(rows, (r) => r.event) });
        const [cif] = cumulativeIncidence({ time, status: Int32Array.from(rows, (r) => (r.event === 1 ? r.cause : 0)), causes: ['a', 'b'] });
        km.table.surv.forEach((s, j) => {
          expect(cif.table.pstate[0][j]).toBeCloseTo(s, 12);
          expect(cif.table.pstate[1][j] + cif.table.pstate[2][j]).toBeCloseTo(1 - s, 12);
        });
      }),
      SEED,
    );
  });
});
