import { crossing, solveCritical } from './boundaries.ts';
import { advance, type LookDensity } from './recursion.ts';
import type { Sides } from './spending.ts';

/** A look already taken: its information (any scale proportional to Fisher information, e.g. events) and its recorded boundary. */
export interface RecordedLook {
  readonly information: number;
  readonly critical: number;
}

export interface BoundaryAfterHistory {
  /** Critical |z| (two-sided) or z (one-sided) of the new look. */
  readonly critical: number;
  /** H0 probability of first crossing at the new look (= the alpha it spends, to the root's tolerance). */
  readonly spent: number;
}

const DEFAULT_GRID = 64;

/**
 * The boundary of a new look that spends `alphaToSpend`, given the looks already taken with the
 * boundaries they actually used (Lan & DeMets 1983; Jennison & Turnbull 2000, ch. 7 and 19).
 *
 * Unlike replaying a spending function over the information history, this keeps every earlier boundary
 * as recorded, so an amended design (another maximum information, another alpha share) leaves the
 * alpha already spent where it was: only the increment of the new look is chosen. The joint law of
 * Z_1..Z_k depends on information only through ratios (corr(Z_i, Z_j) = sqrt(I_i / I_j)), so the
 * information may be on any scale; it is rescaled so that the new look is 1.
 */
export function boundaryAfterHistory(
  history: readonly RecordedLook[], information: number, alphaToSpend: number, sides: Sides = 2, gridSize = DEFAULT_GRID,
): BoundaryAfterHistory {
  if (!(information > 0)) throw new Error(`information must be positive, got ${information}`);
  if (!(alphaToSpend > 0 && alphaToSpend < 1)) throw new Error(`alpha to spend must be in (0, 1), got ${alphaToSpend}`);
  let previous: LookDensity | null = null;
  for (const [k, look] of history.entries()) {
    const rate = look.information / information;
    if (!(rate > (previous?.rate ?? 0) && rate < 1)) {
      throw new Error(`look ${k + 1}: information ${look.information} must increase and stay below the new look's ${information}`);
    }
    if (!(look.critical > 0 && Number.isFinite(look.critical))) throw new Error(`look ${k + 1}: critical value must be positive and finite, got ${look.critical}`);
    previous = advance({ previous, rate }, sides === 2 ? -look.critical : -Infinity, look.critical, gridSize);
  }
  const step = { previous, rate: 1 };
  const critical = solveCritical(step, alphaToSpend, sides);
  return { critical, spent: crossing(step, critical, sides).p };
}
