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
 * information may be on any scale (events, here).
 */
export function boundaryAfterHistory(
  history: readonly RecordedLook[], information: number, alphaToSpend: number, sides: Sides = 2, gridSize = DEFAULT_GRID,
): BoundaryAfterHistory {
  if (!(information > 0)) throw new Error(`information must be positive, got ${information}`);
  if (!(alphaToSpend > 0 && alphaToSpend < 1)) throw new Error(`alpha to spend must be in (0, 1), got ${alphaToSpend}`);
  const previous = densityAfter(history, sides, gridSize);
  if (previous !== null && !(information > previous.rate)) {
    throw new Error(`information ${information} must exceed the last recorded look's ${previous.rate}`);
  }
  const step = { previous, rate: information };
  const critical = solveCritical(step, alphaToSpend, sides);
  return { critical, spent: crossing(step, critical, sides).p };
}

// The recursion runs on the information scale itself (the canonical joint law is invariant to its unit),
// so the density after a recorded prefix of looks does not depend on later looks and is cached: a
// monitoring series (the job's next quarter, a calibration run's next look) advances one look, not all.
const CACHE_LIMIT = 1024;
const cache = new Map<string, LookDensity>();

function densityAfter(history: readonly RecordedLook[], sides: Sides, gridSize: number): LookDensity | null {
  let previous: LookDensity | null = null;
  let key = `${sides}|${gridSize}`;
  for (const [k, look] of history.entries()) {
    if (!(look.information > (previous?.rate ?? 0))) {
      throw new Error(`look ${k + 1}: information ${look.information} must be positive and increase`);
    }
    if (!(look.critical > 0 && Number.isFinite(look.critical))) throw new Error(`look ${k + 1}: critical value must be positive and finite, got ${look.critical}`);
    key += `|${look.information}:${look.critical}`;
    const cached = cache.get(key);
    if (cached) {
      previous = cached;
      continue;
    }
    previous = advance({ previous, rate: look.information }, sides === 2 ? -look.critical : -Infinity, look.critical, gridSize);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(key, previous);
  }
  return previous;
}
