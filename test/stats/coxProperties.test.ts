// Properties every Cox fit must have whatever the data (fast-check, seeded), and R's behaviour on
// degenerate data: monotone likelihood, no events, aliased columns, bad input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coxZph, CoxFitError, CoxInputError, fitCox } from '../../src/stats/cox/index.ts';
import type { CoxInput, Ties } from '../../src/stats/cox/index.ts';

const FC = { seed: 20261126, numRuns: 40 };

interface Sample {
  time: number[];
  event: number[];
  x1: number[];
  x2: number[];
}

/** Small survival data sets; `tied` draws integer times so ties occur. */
function samples(tied: boolean): fc.Arbitrary<Sample> {
  return fc.integer({ min: 12, max: 40 }).chain((n) =>
    fc.record({
      time: tied
        ? fc.array(fc.integer({ min: 1, max: 8 }), { minLength: n, maxLength: n })
        : fc.uniqueArray(fc.integer({ min: 1, max: 5000 }), { minLength: n, maxLength: n }).map((t) => t.map((v) => v / 7)),
      event: fc.array(fc.integer({ min: 0, max: 1 }), { minLength: n, maxLength: n }),
      x1: fc.array(fc.integer({ min: -300, max: 300 }).map((v) => v / 100), { minLength: n, maxLength: n }),
      x2: fc.array(fc.integer({ min: 0, max: 1 }), { minLength: n, maxLength: n }),
    }),
  );
}

/** A fit that R would also make: enough events and no monotone likelihood. */
function usable(s: Sample): boolean {
  const events = s.event.reduce((a, b) => a + b, 0);
  return events >= 4 && new Set(s.x2).size === 2 && new Set(s.x1).size > 3;
}

function input(s: Sample, ties: Ties, extra: Partial<CoxInput> = {}): CoxInput {
  return {
    stop: Float64Array.from(s.time),
    event: Uint8Array.from(s.event),
    x: [Float64Array.from(s.x1), Float64Array.from(s.x2)],
    names: ['x1', 'x2'],
    ties,
    maxIter: 50,
    eps: 1e-12,
    ...extra,
  };
}

/** The fit when it is a regular one (R would give finite, converged estimates), else null. */
function stableFit(inp: CoxInput): ReturnType<typeof fitCox> | null {
  try {
    const fit = fitCox(inp);
    return fit.converged && fit.warnings.length === 0 && fit.terms.every((t) => Math.abs(t.coef) < 10) ? fit : null;
  } catch (error) {
    if (error instanceof CoxFitError) return null;
    throw error;
  }
}

const close = (a: number, b: number, tol = 1e-7): boolean => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

describe('Cox fit properties', () => {
  it('hazard ratios per original unit do not change when a covariate is shifted and rescaled', () => {
    fc.assert(
      fc.property(samples(true), fc.double({ min: -50, max: 50, noNaN: true }), fc.double({ min: 0.1, max: 20, noNaN: true }), (s, shift, scale) => {
        fc.pre(usable(s));
        const base = stableFit(input(s, 'efron'));
        fc.pre(base !== null);
        if (base === null) return;
        const moved = fitCox(input({ ...s, x1: s.x1.map((v) => v * scale + shift) }, 'efron'));
        expect(close(moved.coef[0] * scale, base.coef[0], 1e-6)).toBe(true);
        expect(close(moved.coef[1], base.coef[1], 1e-6)).toBe(true);
        expect(close(moved.loglik.model, base.loglik.model, 1e-9)).toBe(true);
        expect(close(moved.terms[0].z, base.terms[0].z, 1e-6)).toBe(true);
      }),
      FC,
    );
  });

  it('does not depend on the order of the rows', () => {
    fc.assert(
      fc.property(samples(true), fc.integer(), (s, seed) => {
        fc.pre(usable(s));
        const base = stableFit(input(s, 'efron'));
        fc.pre(base !== null);
        if (base === null) return;
        const perm = s.time.map((_, i) => i).sort((a, b) => ((a * 2654435761 + seed) % 97) - ((b * 2654435761 + seed) % 97) || a - b);
        const pick = (v: number[]): number[] => perm.map((i) => v[i]);
        const shuffled = fitCox(input({ time: pick(s.time), event: pick(s.event), x1: pick(s.x1), x2: pick(s.x2) }, 'efron'));
        for (let j = 0; j < 2; j++) expect(close(shuffled.coef[j], base.coef[j], 1e-8)).toBe(true);
        expect(close(shuffled.concordance.value, base.concordance.value, 1e-12)).toBe(true);
        expect(close(shuffled.concordance.se, base.concordance.se, 1e-9)).toBe(true);
      }),
      FC,
    );
  });

  it('Breslow and Efron are the same fit when no event times are tied', () => {
    fc.assert(
      fc.property(samples(false), (s) => {
        fc.pre(usable(s));
        const efron = stableFit(input(s, 'efron'));
        fc.pre(efron !== null);
        if (efron === null) return;
        const breslow = fitCox(input(s, 'breslow'));
        for (let j = 0; j < 2; j++) expect(breslow.coef[j]).toBeCloseTo(efron.coef[j], 12);
        expect(breslow.loglik.model).toBeCloseTo(efron.loglik.model, 10);
        expect(breslow.tests.score.stat).toBeCloseTo(efron.tests.score.stat, 10);
      }),
      FC,
    );
  });

  it('a case weight of 2 gives the point estimates of the duplicated row (Breslow)', () => {
    // Under Efron a duplicated death becomes a tie and is split, so only Breslow has this identity.
    fc.assert(
      fc.property(samples(true), fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }), (s, doubled) => {
        fc.pre(usable(s));
        const weights = s.time.map((_, i) => (doubled[i] ? 2 : 1));
        const weighted = stableFit(input(s, 'breslow', { weights: Float64Array.from(weights) }));
        fc.pre(weighted !== null);
        if (weighted === null) return;
        const rows = s.time.flatMap((_, i) => (doubled[i] ? [i, i] : [i]));
        const pick = (v: number[]): number[] => rows.map((i) => v[i]);
        const duplicated = fitCox(input({ time: pick(s.time), event: pick(s.event), x1: pick(s.x1), x2: pick(s.x2) }, 'breslow'));
        for (let j = 0; j < 2; j++) expect(close(weighted.coef[j], duplicated.coef[j], 1e-8)).toBe(true);
        expect(close(weighted.loglik.model, duplicated.loglik.model, 1e-10)).toBe(true);
        for (let j = 0; j < 2; j++) expect(close(weighted.terms[j].se, duplicated.terms[j].se, 1e-8)).toBe(true);
      }),
      FC,
    );
  });
});

describe('Cox fit on degenerate data (as R)', () => {
  // R 4.2.2 / survival 3.5-3: coxph(Surv(time, status) ~ x + z, d) warns "Loglik converged before
  // variable 1 ; coefficient may be infinite." with loglik c(-16.5482767860168813, -7.4470321220133009), iter 20.
  const monotone: CoxInput = {
    stop: Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]),
    event: Uint8Array.from([1, 1, 1, 1, 1, 0, 1, 0, 0, 0, 1, 0, 1, 0]),
    x: [Float64Array.from([1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]), Float64Array.from([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7])],
    names: ['x', 'z'],
  };

  it('warns that a coefficient may be infinite under monotone likelihood, as R does', () => {
    const fit = fitCox(monotone);
    expect(fit.warnings).toEqual(['Loglik converged before variable 1 (x); coefficient may be infinite.']);
    expect(fit.iterations).toBe(20);
    expect(fit.loglik.null).toBeCloseTo(-16.5482767860168813, 10);
    expect(fit.loglik.model).toBeCloseTo(-7.4470321220133009, 6);
    expect(Number.isFinite(fit.coef[0])).toBe(true);
  });

  it('treats times within timefix tolerance as tied, as R does (right-censored and counting process)', () => {
    const exact = fitCox({ ...monotone, stop: Float64Array.from([1, 2, 2, 4, 5, 6, 7, 8, 9, 10, 10, 12, 13, 14]), x: [monotone.x[1]], names: ['z'] });
    const noisy = fitCox({ ...monotone, stop: Float64Array.from([1, 2, 2 + 1e-12, 4, 5, 6, 7, 8, 9, 10 - 1e-13, 10, 12, 13, 14]), x: [monotone.x[1]], names: ['z'] });
    expect(noisy.coef[0]).toBe(exact.coef[0]);
    expect(noisy.loglik.model).toBe(exact.loglik.model);
    const counting = fitCox({ ...monotone, start: new Float64Array(14), stop: Float64Array.from([1, 2, 2 + 1e-12, 4, 5, 6, 7, 8, 9, 10 - 1e-13, 10, 12, 13, 14]), x: [monotone.x[1]], names: ['z'] });
    expect(counting.coef[0]).toBeCloseTo(exact.coef[0], 12);
    expect(counting.loglik.model).toBeCloseTo(exact.loglik.model, 12);
  });

  it('refuses data without events with a clear error', () => {
    expect(() => fitCox({ ...monotone, event: new Uint8Array(14) })).toThrow(CoxFitError);
    expect(() => fitCox({ ...monotone, event: new Uint8Array(14) })).toThrow(/no events/);
  });

  it('names the aliased column of a singular design instead of returning NaN', () => {
    const z = monotone.x[1];
    expect(() => fitCox({ ...monotone, x: [z, Float64Array.from(z, (v) => 2 * v + 1)], names: ['z', 'z2'] })).toThrow(/singular: z2/);
  });

  it('rejects inconsistent or invalid input with a one-line message', () => {
    expect(() => fitCox({ ...monotone, event: new Uint8Array(3) })).toThrow(CoxInputError);
    expect(() => fitCox({ ...monotone, weights: new Float64Array(14).fill(-1) })).toThrow(/weight of row 1/);
    expect(() => fitCox({ ...monotone, start: new Float64Array(14).fill(5) })).toThrow(/row 1 has start time 5 not before stop time 1/);
    expect(() => fitCox({ ...monotone, stop: Float64Array.from(monotone.stop, (v, i) => (i === 3 ? Number.NaN : v)) })).toThrow(/row 4/);
    expect(() => fitCox({ ...monotone, ties: 'exact' as Ties })).toThrow(/ties must be/);
  });

  it('names the design column and row of a NaN or infinite covariate, with or without weights', () => {
    const z = monotone.x[1];
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const x = [monotone.x[0], Float64Array.from(z, (v, i) => (i === 6 ? bad : v))];
      expect(() => fitCox({ ...monotone, x })).toThrow(/design column "z" has a non-finite value in row 7/);
      expect(() => fitCox({ ...monotone, x, weights: new Float64Array(14).fill(2) })).toThrow(/design column "z" has a non-finite value in row 7/);
    }
  });

  it('gives zph a clear error when fit and input disagree', () => {
    const fit = fitCox(monotone);
    expect(() => coxZph({ ...monotone, x: [monotone.x[0]], names: ['x'] }, fit, { transform: 'km' })).toThrow(/2 coefficients/);
  });
});

describe('fits of the same time column', () => {
  // prepareCox keeps each stop column's sort order for the next fit of that column (model selection):
  // a column changed in place in between must be sorted again, never read in the old order.
  it('gives the fit of the current values after the column changed in place', () => {
    fc.assert(fc.property(samples(true), samples(false), (a, b) => {
      const n = Math.min(a.time.length, b.time.length);
      const input = (time: number[]): CoxInput => ({
        stop: Float64Array.from(time.slice(0, n)), event: Uint8Array.from(a.event.slice(0, n)),
        x: [Float64Array.from(a.x1.slice(0, n))], names: ['x1'],
      });
      const first = input(a.time);
      if (first.event.every((e) => e === 0)) return;
      fitCox(first);
      first.stop.set(b.time.slice(0, n));
      expect(JSON.stringify(fitCox(first))).toBe(JSON.stringify(fitCox(input(b.time))));
    }), FC);
  });
});
