/**
 * Test of proportional hazards, the survival 3.x cox.zph algorithm (Therneau, survival 3.0 "zph"
 * vignette; Grambsch & Therneau 1994): a score test of γ = 0 in the augmented model [X, X·g(t)] at
 * (β̂, 0) using the full 2p × 2p information and the fit's ties method, not the 2.x approximation.
 * g(t) is 1 − KM(t−) (pooled, unstratified, unweighted KM over all rows), t, or rank(t), centred on its
 * mean over the event rows. Each term keeps all β rows plus its own γ rows; GLOBAL keeps all.
 */
import { pchisqUpper } from '../distributions.ts';
import { ldlFactor, ldlSolve } from '../linalg/cholesky.ts';
import { prepareCox } from './prepare.ts';
import type { PreparedCox } from './prepare.ts';
import { coxSweep } from './riskSetSweep.ts';
import type { CoxFit, CoxInput, ZphOptions, ZphResult, ZphRow, ZphTransform } from './types.ts';

/** 1 − S(t−) of the pooled Kaplan-Meier at each sorted row's stop time (delayed entry for (start, stop]). */
function kmTransform(prep: PreparedCox): Float64Array {
  const { n, stop, start, event } = prep;
  const times = Array.from(new Set(stop)).sort((a, b) => a - b);
  const deaths = new Map<number, number>();
  for (let k = 0; k < n; k++) if (event[k] === 1) deaths.set(stop[k], (deaths.get(stop[k]) ?? 0) + 1);
  const stops = Float64Array.from(stop).sort();
  const starts = start === null ? null : Float64Array.from(start).sort();
  // Survival just before each distinct time.
  const before = new Map<number, number>();
  let surv = 1;
  let exited = 0;
  let entered = 0;
  for (const t of times) {
    before.set(t, surv);
    while (exited < n && stops[exited] < t) exited++;
    if (starts !== null) while (entered < n && starts[entered] < t) entered++;
    const atRisk = (starts === null ? n : entered) - exited;
    const d = deaths.get(t) ?? 0;
    if (d > 0) surv *= 1 - d / atRisk;
  }
  return Float64Array.from(stop, (t) => 1 - (before.get(t) ?? 1));
}

/** Average ranks (R's rank(), ties = "average"). */
function averageRanks(values: Float64Array): Float64Array {
  const idx = Array.from(values.keys()).sort((a, b) => values[a] - values[b]);
  const out = new Float64Array(values.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && values[idx[j + 1]] === values[idx[i]]) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) out[idx[k]] = r;
    i = j + 1;
  }
  return out;
}

function transformed(prep: PreparedCox, transform: ZphTransform): Float64Array {
  const g = transform === 'km' ? kmTransform(prep) : transform === 'rank' ? averageRanks(prep.stop) : Float64Array.from(prep.stop);
  let sum = 0;
  let count = 0;
  for (let k = 0; k < prep.n; k++) {
    if (prep.event[k] === 1) {
      sum += g[k];
      count++;
    }
  }
  const centre = sum / count;
  return g.map((v) => v - centre);
}

function scoreTest(imat: Float64Array, dim: number, keep: number[], u: Float64Array): number {
  const m = keep.length;
  const sub = new Float64Array(m * m);
  for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) sub[a * m + b] = imat[keep[a] * dim + keep[b]];
  const ub = Float64Array.from(keep, (k) => u[k]);
  const solved = ldlSolve(ldlFactor(sub, m), ub);
  let stat = 0;
  for (let a = 0; a < m; a++) stat += ub[a] * solved[a];
  return stat;
}

export function coxZph(input: CoxInput, fit: CoxFit, options: ZphOptions): ZphResult {
  const prep = prepareCox(input);
  const p = prep.p;
  if (fit.coef.length !== p) throw new Error(`the fit has ${fit.coef.length} coefficients but the input ${p} columns`);
  const g = transformed(prep, options.transform);
  const dim = 2 * p;
  const imat = new Float64Array(dim * dim);
  const u = new Float64Array(dim);
  // At each death time the augmented columns X·g(t_k) are X scaled by g(t_k), so their score and
  // information contributions are the β ones times g and g².
  coxSweep(prep, fit.coef, fit.ties, (position, du, dimat) => {
    const gk = g[position];
    for (let i = 0; i < p; i++) {
      u[p + i] += gk * du[i];
      for (let j = 0; j < p; j++) {
        const v = dimat[i * p + j];
        imat[i * dim + j] += v;
        imat[i * dim + p + j] += gk * v;
        imat[(p + i) * dim + j] += gk * v;
        imat[(p + i) * dim + p + j] += gk * gk * v;
      }
    }
  });
  const betaRows = Array.from({ length: p }, (_, i) => i);
  const termColumns = options.termColumns ?? betaRows.map((i) => [i]);
  const termNames = options.termNames ?? termColumns.map((cols) => cols.map((c) => input.names[c]).join('+'));
  const row = (term: string, cols: number[]): ZphRow => {
    const chisq = scoreTest(imat, dim, [...betaRows, ...cols.map((c) => p + c)], u);
    return { term, chisq, df: cols.length, p: pchisqUpper(chisq, cols.length) };
  };
  return {
    terms: termColumns.map((cols, t) => row(termNames[t], cols)),
    global: row('GLOBAL', betaRows),
  };
}
