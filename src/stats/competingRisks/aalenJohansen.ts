import { survivalBand } from '../km/confidenceBand.ts';
import type { Band, ConfType } from '../km/types.ts';
import type { CifTable, CompetingRisksData } from './types.ts';

/**
 * Aalen-Johansen estimate for competing risks from a common start state, with the infinitesimal
 * jackknife (IJ) standard errors of survival 3.x's `survfitAJ` (Therneau, "The survfit function",
 * methods vignette: Aalen-Johansen influence). Each row is its own cluster.
 *
 * The IJ matrix U (one row per subject, one column per state) evolves as U ← U(I + H) at each event
 * time, plus the dN term for the subjects with an event and the −Y·dΛ term for everyone at risk.
 * Every subject still at risk has received the same updates, so its row is w_g·v for a shared v; rows of
 * subjects who left are folded into M = Σ U_gᵀU_g, which transforms as (I + H)ᵀ M (I + H). That makes the
 * whole computation O(n log n + times × states³) instead of O(n × times), with the same sums.
 */
export function aalenJohansen(data: CompetingRisksData, rows: Int32Array, confType: ConfType = 'log', level = 0.95): CifTable {
  const nStates = data.causes.length + 1;
  const order = Int32Array.from(rows).sort((a, b) => data.time[a] - data.time[b]);
  const weight = (i: number): number => (data.weights ? data.weights[i] : 1);

  const times: number[] = [];
  const boundaries: number[] = [0];
  for (let k = 0; k < order.length; ) {
    const t = data.time[order[k]];
    while (k < order.length && data.time[order[k]] === t) k++;
    times.push(t);
    boundaries.push(k);
  }
  const m = times.length;
  const table: CifTable = {
    time: Float64Array.from(times),
    nRisk: new Float64Array(m),
    nCensor: new Float64Array(m),
    nEvent: Array.from({ length: nStates }, () => new Float64Array(m)),
    pstate: Array.from({ length: nStates }, () => new Float64Array(m)),
    stdErr: Array.from({ length: nStates }, () => new Float64Array(m)),
    band: [],
  };

  let atRisk = 0;
  for (const i of order) atRisk += weight(i);
  let sumSquaredWeights = 0;
  for (const i of order) sumSquaredWeights += weight(i) ** 2;

  const p = new Float64Array(nStates);
  p[0] = 1;
  const v = new Float64Array(nStates); // shared IJ direction of the subjects still at risk
  let M = zeroMatrix(nStates); // Σ UᵀU over subjects who have left the risk set
  const deaths = new Float64Array(nStates);

  for (let j = 0; j < m; j++) {
    const from = boundaries[j];
    const to = boundaries[j + 1];
    deaths.fill(0);
    let censored = 0;
    for (let k = from; k < to; k++) {
      const i = order[k];
      if (data.status[i] > 0) deaths[data.status[i]] += weight(i);
      else censored += weight(i);
    }
    let d = 0;
    for (let c = 1; c < nStates; c++) d += deaths[c];
    const n = atRisk;
    table.nRisk[j] = n;
    table.nCensor[j] = censored;
    for (let c = 1; c < nStates; c++) table.nEvent[c][j] = deaths[c];

    const p0 = p[0];
    if (d > 0) {
      // A = I + H with H[0][0] = −d/n, H[0][c] = d_c/n: only the event-free state has transitions out.
      M = transformQuadratic(M, deaths, d, n);
      const v0 = v[0];
      for (let c = 1; c < nStates; c++) v[c] += v0 * (deaths[c] / n) - (p0 * deaths[c]) / (n * n);
      v[0] = v0 * (1 - d / n) + (p0 * d) / (n * n);
    }
    // Subjects leaving the risk set at this time carry their final IJ row into M.
    for (let k = from; k < to; k++) {
      const i = order[k];
      const w2 = weight(i) ** 2;
      const cause = data.status[i];
      const u = Float64Array.from(v);
      if (cause > 0) {
        u[0] -= p0 / n;
        u[cause] += p0 / n;
      }
      for (let a = 0; a < nStates; a++) for (let b = 0; b < nStates; b++) M[a][b] += w2 * u[a] * u[b];
      sumSquaredWeights -= w2;
      atRisk -= weight(i);
    }
    if (d > 0) {
      for (let c = 1; c < nStates; c++) p[c] += (p0 * deaths[c]) / n;
      p[0] = p0 * (1 - d / n);
    }
    for (let s = 0; s < nStates; s++) {
      table.pstate[s][j] = p[s];
      table.stdErr[s][j] = Math.sqrt(Math.max(M[s][s] + sumSquaredWeights * v[s] * v[s], 0));
    }
  }
  table.band = table.pstate.map((pstate, s) => probabilityBand(pstate, table.stdErr[s], confType, level));
  return table;
}

/**
 * Confidence band for a state probability from its (not log) standard error, as survfit_confint with
 * logse = FALSE: the se of log p is se/p (0 when se = 0); NA where p = 0.
 */
export function probabilityBand(p: Float64Array, se: Float64Array, confType: ConfType, level: number): Band {
  const seLog = Float64Array.from(p, (value, j) => (se[j] === 0 ? 0 : se[j] / value));
  return survivalBand(p, seLog, confType, level);
}

function zeroMatrix(size: number): Float64Array[] {
  return Array.from({ length: size }, () => new Float64Array(size));
}

/** Aᵀ M A for A = I + H, H[0][0] = −d/n, H[0][c] = d_c/n (all other entries 0). */
function transformQuadratic(M: Float64Array[], deaths: Float64Array, d: number, n: number): Float64Array[] {
  const size = M.length;
  const a = zeroMatrix(size);
  for (let s = 0; s < size; s++) a[s][s] = 1;
  a[0][0] = 1 - d / n;
  for (let c = 1; c < size; c++) a[0][c] = deaths[c] / n;
  const ma = zeroMatrix(size);
  for (let r = 0; r < size; r++) for (let c = 0; c < size; c++) {
    let sum = 0;
    for (let k = 0; k < size; k++) sum += M[r][k] * a[k][c];
    ma[r][c] = sum;
  }
  const out = zeroMatrix(size);
  for (let r = 0; r < size; r++) for (let c = 0; c < size; c++) {
    let sum = 0;
    for (let k = 0; k < size; k++) sum += a[k][r] * ma[k][c];
    out[r][c] = sum;
  }
  return out;
}
