import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitCox, type CoxInput, type Ties } from '../../src/stats/cox/index.ts';
import { prepareCox } from '../../src/stats/cox/prepare.ts';
import { coxSweep } from '../../src/stats/cox/riskSetSweep.ts';
import { fitFirth, type FirthFit } from '../../src/stats/firth/index.ts';
import { penalisedState } from '../../src/stats/firth/penalisedLikelihood.ts';
import { coxMoments } from '../../src/stats/firth/riskSetMoments.ts';
import { completeRows, readReferenceCsv, take } from '../fixtures/methods/load.ts';

interface FirthCase {
  id: string; ties: Ties; names: string[]; coef: number[]; se: number[]; lower: number[]; upper: number[];
  penalised_loglik: number; loglik: number; penalised_loglik_null: number; loglik_null: number; ordinary_coef: number[];
  probes: { beta: number[]; loglik: number; penalised_loglik: number }[];
}
const reference = JSON.parse(readFileSync(new URL('../fixtures/methods/firth.json', import.meta.url), 'utf8')) as { cases: FirthCase[] };
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

function lungInput(ties: Ties): CoxInput {
  const lung = readReferenceCsv('lung');
  const rows = completeRows(lung, ['time', 'status', 'age', 'sex', 'ph.ecog']);
  return {
    stop: take(lung.time, rows),
    event: Uint8Array.from(rows, (i) => (lung.status[i] === 2 ? 1 : 0)),
    x: [take(lung.age, rows), take(lung.sex, rows), take(lung['ph.ecog'], rows)],
    names: ['age', 'sex', 'ph.ecog'],
    ties,
  };
}

/** ovarian with z = 1 for five censored women under 50: no events at z = 1, so ordinary Cox diverges. */
function ovarianMonotone(): CoxInput {
  const ov = readReferenceCsv('ovarian');
  const z = Float64Array.from(ov.fustat, (s, i) => (s === 0 && ov.age[i] < 50 ? 1 : 0));
  return { stop: ov.futime, event: Uint8Array.from(ov.fustat), x: [z, ov.age], names: ['z', 'age'], ties: 'breslow' };
}

function gbsgStrataWeights(): CoxInput {
  const gbsg = readReferenceCsv('gbsg');
  return {
    stop: gbsg.rfstime,
    event: Uint8Array.from(gbsg.status),
    x: [gbsg.hormon, gbsg.nodes],
    names: ['hormon', 'nodes'],
    strata: Int32Array.from(gbsg.grade),
    weights: gbsg.w,
    ties: 'efron',
  };
}

/** veteran cut at 30, 90, 180, 365 days: (tstart, time] rows; karno:late is a time-varying effect. */
function veteranCounting(): CoxInput {
  const v = readReferenceCsv('veteran_split');
  const karnoLate = v.karno.map((k, i) => k * v.late[i]);
  return { start: v.tstart, stop: v.time, event: Uint8Array.from(v.status), x: [v.karno, karnoLate], names: ['karno', 'karno:late'], ties: 'efron' };
}

const inputs: Record<string, CoxInput> = {
  lung_breslow: lungInput('breslow'),
  lung_efron: lungInput('efron'),
  ovarian_monotone: ovarianMonotone(),
  gbsg_strata_weights: gbsgStrataWeights(),
  veteran_split_counting: veteranCounting(),
};
const fits = new Map<string, FirthFit>();
const fitted = (id: string): FirthFit => {
  const cached = fits.get(id);
  if (cached) return cached;
  const fit = fitFirth(inputs[id]);
  fits.set(id, fit);
  return fit;
};

describe.each(reference.cases.map((c) => [c.id, c] as const))('Firth Cox against the penalised likelihood evaluated by R survival: %s', (id, ref) => {
  it('l(β) and l*(β) = l(β) + ½log|I(β)| at fixed β equal coxph(init = β, iter.max = 0)', () => {
    const prep = prepareCox(inputs[id]);
    for (const probe of ref.probes) {
      const state = penalisedState(prep, Float64Array.from(probe.beta), ref.ties);
      expect(rel(state.loglik, probe.loglik)).toBeLessThan(1e-10);
      expect(rel(state.penalisedLoglik, probe.penalised_loglik)).toBeLessThan(1e-10);
    }
  });

  it('the estimate maximises l* (R agrees to its numerical-gradient precision)', () => {
    const fit = fitted(id);
    expect(fit.penalised).toBe(true);
    expect(fit.method).toBe('firth');
    expect(fit.converged).toBe(true);
    expect(fit.ties).toBe(ref.ties);
    fit.coef.forEach((b, j) => expect(Math.abs(b - ref.coef[j])).toBeLessThan(1e-6 * Math.max(Math.abs(ref.coef[j]), ref.se[j])));
    expect(fit.penalisedLoglik.model).toBeGreaterThanOrEqual(ref.penalised_loglik - 1e-9);
    expect(rel(fit.penalisedLoglik.null, ref.penalised_loglik_null)).toBeLessThan(1e-10);
    expect(rel(fit.loglik.model, ref.loglik)).toBeLessThan(1e-9);
    fit.terms.forEach((t, j) => expect(rel(t.se, ref.se[j])).toBeLessThan(1e-6));
  });

  it('profile penalised-likelihood limits agree with R (uniroot on the profiled l*)', () => {
    const fit = fitted(id);
    fit.terms.forEach((t, j) => {
      const width = ref.upper[j] - ref.lower[j];
      expect(Math.abs(Math.log(t.lower) - ref.lower[j])).toBeLessThan(1e-6 * width);
      expect(Math.abs(Math.log(t.upper) - ref.upper[j])).toBeLessThan(1e-6 * width);
    });
  });
});

describe('Firth Cox: defining properties', () => {
  it('the risk-set sums reproduce the Cox engine: l, U and I equal coxSweep (Breslow and Efron)', () => {
    for (const ties of ['breslow', 'efron'] as const) {
      const prep = prepareCox(lungInput(ties));
      const beta = Float64Array.of(0.01, -0.5, 0.4);
      const a = coxSweep(prep, beta, ties);
      const b = coxMoments(prep, beta, ties);
      expect(rel(b.loglik, a.loglik)).toBeLessThan(1e-13);
      a.u.forEach((v, j) => expect(Math.abs(b.score[j] - v)).toBeLessThan(1e-10));
      a.imat.forEach((v, j) => expect(Math.abs(b.information[j] - v)).toBeLessThan(1e-9 * Math.abs(a.imat[0])));
    }
  });

  it('∂I/∂β (third central moments) and the modified score match finite differences', () => {
    for (const id of ['lung_efron', 'gbsg_strata_weights'] as const) {
      const input = inputs[id];
      const ties = input.ties ?? 'efron';
      const prep = prepareCox(input);
      const p = prep.p;
      const beta = Float64Array.from({ length: p }, (_, j) => 0.1 * (j + 1) * (j % 2 === 0 ? 1 : -1) / (j === 0 && id === 'lung_efron' ? 10 : 1));
      const moments = coxMoments(prep, beta, ties);
      const state = penalisedState(prep, beta, ties);
      for (let r = 0; r < p; r++) {
        const h = 1e-5;
        const up = Float64Array.from(beta);
        const down = Float64Array.from(beta);
        up[r] += h;
        down[r] -= h;
        const iUp = coxMoments(prep, up, ties).information;
        const iDown = coxMoments(prep, down, ties).information;
        for (let s = 0; s < p * p; s++) {
          const fd = (iUp[s] - iDown[s]) / (2 * h);
          expect(Math.abs(fd - moments.dInformation[r * p * p + s])).toBeLessThan(1e-6 * (1 + Math.abs(fd)));
        }
        const fdScore = (penalisedState(prep, up, ties).penalisedLoglik - penalisedState(prep, down, ties).penalisedLoglik) / (2 * h);
        expect(Math.abs(fdScore - state.score[r])).toBeLessThan(1e-5 * (1 + Math.abs(fdScore)));
      }
    }
  });

  it('the modified score is zero at the solution', () => {
    for (const id of Object.keys(inputs)) {
      const input = inputs[id];
      const fit = fitted(id);
      const state = penalisedState(prepareCox(input), fit.coef, input.ties ?? 'efron');
      state.score.forEach((u, j) => expect(Math.abs(u) * fit.terms[j].se).toBeLessThan(1e-7));
    }
  });

  it('with plentiful events it agrees with ordinary Cox up to an O(1/n) bias correction', () => {
    for (const ties of ['breslow', 'efron'] as const) {
      const cox = fitCox(lungInput(ties));
      const firth = fitted(`lung_${ties}`);
      firth.terms.forEach((t, j) => {
        expect(Math.sign(t.coef)).toBe(Math.sign(cox.coef[j]));
        expect(Math.abs(t.coef - cox.coef[j])).toBeLessThan(0.05 * cox.terms[j].se);
        expect(t.coef).not.toBe(cox.coef[j]);
      });
    }
  });

  it('gives finite estimates and a finite interval where ordinary Cox is monotone (a cell with no events)', () => {
    const cox = fitCox(inputs.ovarian_monotone);
    expect(cox.warnings.join(' ')).toMatch(/infinite/);
    const firth = fitted('ovarian_monotone');
    expect(firth.warnings).toEqual([]);
    expect(Number.isFinite(firth.coef[0])).toBe(true);
    expect(firth.terms[0].lower).toBeGreaterThan(0);
    expect(Number.isFinite(firth.terms[0].upper)).toBe(true);
    expect(firth.terms[0].hr).toBeGreaterThan(firth.terms[0].lower);
    expect(firth.terms[0].hr).toBeLessThan(firth.terms[0].upper);
  });

  it('a treatment arm with no events (the TNBC-by-PORT cell) gets a finite HR and a finite two-sided interval', () => {
    const n = 40;
    const arm = Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const stop = Float64Array.from({ length: n }, (_, i) => 5 + ((i * 7) % 23));
    const event = Uint8Array.from({ length: n }, (_, i) => (arm[i] === 0 && i % 2 === 0 ? 1 : 0));
    expect(fitCox({ stop, event, x: [arm], names: ['port'] }).warnings.join(' ')).toMatch(/infinite/);
    const fit = fitFirth({ stop, event, x: [arm], names: ['port'] });
    expect(fit.converged).toBe(true);
    const [t] = fit.terms;
    expect(t.hr).toBeGreaterThan(0);
    expect(t.lower).toBeGreaterThan(0);
    expect(t.upper).toBeLessThan(1);
    expect(t.p).toBeLessThan(0.05);
  });

  it('p-values are penalised likelihood-ratio tests: p < 0.05 exactly when the 95% profile interval excludes HR 1', () => {
    const terms = Object.keys(inputs).flatMap((id) => fitted(id).terms);
    expect(terms.some((t) => t.p < 0.05) && terms.some((t) => t.p > 0.05)).toBe(true);
    for (const t of terms) expect(t.p < 0.05).toBe(t.lower > 1 || t.upper < 1);
  });

  it('rejects input it cannot fit with a specific message', () => {
    const base = lungInput('breslow');
    expect(() => fitFirth({ ...base, event: new Uint8Array(base.event.length) })).toThrow(/no events/);
    expect(() => fitFirth({ ...base, x: [base.x[0], base.x[0]], names: ['a', 'b'] })).toThrow(/singular/);
    expect(() => fitFirth({ ...base, level: 1.5 })).toThrow(/confidence level/);
  });
});
