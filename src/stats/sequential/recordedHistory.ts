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
 * information may be on any scale (events here).
 */
export function boundaryAfterHistory(
  history: readonly RecordedLook[], information: number, alphaToSpend: number, sides: Sides = 2, gridSize = DEFAULT_GRID,
): BoundaryAfterHistory {
  if (!(information > 0)) throw new Error(`information must be positive, got ${information}`);
  if (!(alphaToSpend > 0 && alphaToSpend < 1)) throw new Error(`alpha to spend must be in (0, 1), got ${alphaToSpend}`);
  let previous: LookDensity | null = null;
  for (const [k, look] of history.entries()) {
    if (!(look.information > (history[k - 1]?.information ?? 0) && look.information < information)) {
      throw new Error(`look ${k + 1}: information ${look.information} must increase and stay below the new look's ${information}`);
    }
    if (!(look.critical > 0 && Number.isFinite(look.critical))) throw new Error(`look ${k + 1}: critical value must be positive and finite, got ${look.critical}`);
  }
  previous = densityAfter(history, sides, gridSize);
  const step = { previous, rate: information };
  const critical = solveCritical(step, alphaToSpend, sides);
  return { critical, spent: crossing(step, critical, sides).p };
}

// The sub-density after a recorded history, kept for the next look. The recursion sees information only
// through ratios (u = (z_k sqrt(I_k) - z_j sqrt(I_j)) / sqrt(I_k - I_j)), so a density computed on the
// absolute information scale serves every later look unchanged: each look then costs one step of the
// recursion instead of one per earlier look (a quarterly series of 76 looks: ~40x less work). Keyed by
// the exact history; a small LRU, so a calibration over many registries does not grow it.
const MEMO_SIZE = 512;
const memo = new Map<string, LookDensity>();

function densityAfter(history: readonly RecordedLook[], sides: Sides, gridSize: number): LookDensity | null {
  if (history.length === 0) return null;
  const key = `${sides}|${gridSize}|${history.map((l) => `${l.information}:${l.critical}`).join(',')}`;
  const cached = memo.get(key);
  if (cached !== undefined) {
    memo.delete(key);
    memo.set(key, cached);
    return cached;
  }
  const look = history[history.length - 1];
  const previous = densityAfter(history.slice(0, -1), sides, gridSize);
  const density = advance({ previous, rate: look.information }, sides === 2 ? -look.critical : -Infinity, look.critical, gridSize);
  memo.set(key, density);
  if (memo.size > MEMO_SIZE) memo.delete(memo.keys().next().value as string);
  return density;
}
