/**
 * Symmetric positive semi-definite solves, as survival's cholesky2/chsolve2/chinv2 (Therneau): an LDLᵀ
 * factorisation in place that zeroes a pivot below `toler × max diagonal` instead of failing, so an
 * aliased column gets coefficient 0 and variance 0 exactly as R reports it (before R turns it into NA).
 *
 * Matrices are dense row-major Float64Array of size n×n.
 */

/** R's coxph.control()$toler.chol = .Machine$double.eps^0.75. */
export const TOLER_CHOL = 2.220446049250313e-16 ** 0.75;

export interface LdlFactor {
  /** Unit lower triangle below the diagonal, D on the diagonal (0 where the pivot was dropped). */
  readonly factor: Float64Array;
  readonly n: number;
  /** Number of pivots kept; equals n for a full-rank matrix. */
  readonly rank: number;
  /** False when a pivot was clearly negative (matrix not positive semi-definite). */
  readonly nonNegative: boolean;
}

export function ldlFactor(matrix: Float64Array, n: number, toler: number = TOLER_CHOL): LdlFactor {
  const m = Float64Array.from(matrix);
  let eps = 0;
  for (let i = 0; i < n; i++) {
    if (m[i * n + i] > eps) eps = m[i * n + i];
    for (let j = i + 1; j < n; j++) m[j * n + i] = m[i * n + j];
  }
  eps = eps === 0 ? toler : eps * toler;
  let rank = 0;
  let nonNegative = true;
  for (let i = 0; i < n; i++) {
    const pivot = m[i * n + i];
    if (!Number.isFinite(pivot) || pivot < eps) {
      m[i * n + i] = 0;
      if (pivot < -8 * eps) nonNegative = false;
      continue;
    }
    rank++;
    for (let j = i + 1; j < n; j++) {
      const temp = m[j * n + i] / pivot;
      m[j * n + i] = temp;
      m[j * n + j] -= temp * temp * pivot;
      for (let k = j + 1; k < n; k++) m[k * n + j] -= temp * m[k * n + i];
    }
  }
  return { factor: m, n, rank, nonNegative };
}

/** Solves A y = b for the factored A, in place on a copy of b; dropped pivots give 0 (chsolve2). */
export function ldlSolve(ldl: LdlFactor, b: ArrayLike<number>): Float64Array {
  const { factor: m, n } = ldl;
  const y = Float64Array.from(b);
  for (let i = 0; i < n; i++) {
    let temp = y[i];
    for (let j = 0; j < i; j++) temp -= y[j] * m[i * n + j];
    y[i] = temp;
  }
  for (let i = n - 1; i >= 0; i--) {
    const d = m[i * n + i];
    if (d === 0) {
      y[i] = 0;
      continue;
    }
    let temp = y[i] / d;
    for (let j = i + 1; j < n; j++) temp -= y[j] * m[j * n + i];
    y[i] = temp;
  }
  return y;
}

/** Generalised inverse of the factored matrix: rows and columns of dropped pivots are 0 (chinv2). */
export function ldlInverse(ldl: LdlFactor): Float64Array {
  const { n } = ldl;
  const inv = new Float64Array(n * n);
  const unit = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    unit.fill(0);
    unit[c] = 1;
    const col = ldlSolve(ldl, unit);
    for (let r = 0; r < n; r++) inv[r * n + c] = col[r];
  }
  // A dropped pivot must zero its whole row and column, not only the solved component.
  for (let i = 0; i < n; i++) {
    if (ldl.factor[i * n + i] !== 0) continue;
    for (let j = 0; j < n; j++) {
      inv[i * n + j] = 0;
      inv[j * n + i] = 0;
    }
  }
  // Symmetrise: the two triangles differ only by rounding.
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const v = (inv[i * n + j] + inv[j * n + i]) / 2;
      inv[i * n + j] = v;
      inv[j * n + i] = v;
    }
  }
  return inv;
}

/** The quadratic form bᵀ A⁻ b through the factorisation (R's coxph.wtest); 0-pivot directions drop out. */
export function quadraticFormInverse(matrix: Float64Array, n: number, b: ArrayLike<number>, toler: number = TOLER_CHOL): { stat: number; rank: number } {
  const ldl = ldlFactor(matrix, n, toler);
  const solved = ldlSolve(ldl, b);
  let stat = 0;
  for (let i = 0; i < n; i++) stat += b[i] * solved[i];
  return { stat, rank: ldl.rank };
}

/** Dense row-major n×n matrix to nested arrays (the public result shape). */
export function toNested(matrix: Float64Array, n: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < n; i++) out.push(Array.from(matrix.subarray(i * n, i * n + n)));
  return out;
}
