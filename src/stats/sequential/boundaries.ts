import { pnorm, qnorm } from '../distributions.ts';
import { advance, lowerCrossing, upperCrossing, type LookDensity, type Transition } from './recursion.ts';
import { alphaSpent, type Sides, type SpendingType } from './spending.ts';

export interface DesignSpec {
  /** Information fractions of the looks, strictly increasing, each > 0 (1 = planned maximum). */
  informationRates: readonly number[];
  alpha: number;
  sides: Sides;
  type: SpendingType;
  /** Grid density of the numerical integration (Jennison & Turnbull's r); default 64. */
  gridSize?: number;
}

export interface Look {
  informationRate: number;
  /** z boundary; ± critical for a two-sided design. Infinity when no alpha is left to spend. */
  critical: number;
  /** Type-I error spent up to this look (both tails when two-sided). */
  cumulativeAlpha: number;
  /** Nominal one-sided level 1 − Φ(critical) of this look's boundary. */
  stageLevelOneSided: number;
}

export interface Design {
  type: SpendingType;
  alpha: number;
  sides: Sides;
  looks: Look[];
}

const DEFAULT_GRID = 64;

/**
 * Lan-DeMets alpha-spending boundaries computed look by look: each critical value makes the H0
 * probability of crossing first at that look equal the alpha the spending function releases there
 * (Lan & DeMets 1983). The crossing probabilities come from the recursive integration in recursion.ts.
 * A look's boundary depends only on this and earlier rates, so recomputing with more looks never moves
 * earlier boundaries (what a monitoring service needs).
 */
export function groupSequentialDesign(spec: DesignSpec): Design {
  validate(spec);
  const r = spec.gridSize ?? DEFAULT_GRID;
  const looks: Look[] = [];
  let previous: LookDensity | null = null;
  let spentSoFar = 0;
  for (const rate of spec.informationRates) {
    const step: Transition = { previous, rate };
    const target = alphaSpent(spec.type, rate, spec.alpha, spec.sides) - alphaSpent(spec.type, previous?.rate ?? 0, spec.alpha, spec.sides);
    if (!(target > 0)) {
      // All alpha was spent at an earlier look past the planned maximum: this look cannot reject.
      looks.push({ informationRate: rate, critical: Infinity, cumulativeAlpha: spentSoFar, stageLevelOneSided: 0 });
      previous = advance(step, -Infinity, Infinity, r);
      continue;
    }
    const critical = solveCritical(step, target, spec.sides);
    spentSoFar += crossing(step, critical, spec.sides).p;
    looks.push({ informationRate: rate, critical, cumulativeAlpha: spentSoFar, stageLevelOneSided: pnorm(-critical) });
    previous = advance(step, spec.sides === 2 ? -critical : -Infinity, critical, r);
  }
  return { type: spec.type, alpha: spec.alpha, sides: spec.sides, looks };
}

/** P(crossing at this look, no earlier crossing) under H0 for the symmetric (sides 2) or upper boundary c. */
export function crossing(step: Transition, c: number, sides: Sides): { p: number; dp: number } {
  const upper = upperCrossing(step, c);
  if (sides === 1) return upper;
  // Two-sided: both tails count (rpact). Under H0 with symmetric regions the lower tail mirrors the
  // upper one, so its derivative is taken from it; the probability itself is summed, not assumed.
  return { p: upper.p + lowerCrossing(step, -c), dp: 2 * upper.dp };
}

/**
 * Root of crossing(c) = target: Newton's method on the exact derivative, kept inside a bisection
 * bracket [lo, hi] so it cannot wander (crossing is decreasing in c).
 */
export function solveCritical(step: Transition, target: number, sides: Sides): number {
  let lo = sides === 2 ? 0 : -10;
  let hi = 40;
  // Start at the unconditional boundary, which ignores the earlier looks.
  let c = -qnorm(target / sides);
  for (let iter = 0; iter < 200; iter++) {
    const { p, dp } = crossing(step, c, sides);
    const g = p - target;
    if (g > 0) lo = c;
    else hi = c;
    let next = dp < 0 ? c - g / dp : (lo + hi) / 2;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - c) < 1e-14 * Math.max(1, Math.abs(c)) || hi - lo < 1e-14) return next;
    c = next;
  }
  throw new Error(`boundary search did not converge at information rate ${step.rate}`);
}

function validate(spec: DesignSpec): void {
  const { informationRates: rates, alpha, sides, type } = spec;
  if (type !== 'obf' && type !== 'pocock') throw new Error(`unknown spending type "${String(type)}" (obf or pocock)`);
  if (sides !== 1 && sides !== 2) throw new Error(`sides must be 1 or 2, got ${String(sides)}`);
  if (!(alpha > 0 && alpha < 1 / sides)) throw new Error(`alpha must be in (0, ${1 / sides}), got ${alpha}`);
  if (rates.length === 0) throw new Error('at least one information rate is needed');
  rates.forEach((t, i) => {
    if (!(Number.isFinite(t) && t > 0)) throw new Error(`information rate ${i + 1} must be a positive number, got ${t}`);
    if (i > 0 && !(t > rates[i - 1])) throw new Error(`information rates must increase: look ${i + 1} (${t}) after ${rates[i - 1]}`);
  });
  if (spec.gridSize !== undefined && !(Number.isInteger(spec.gridSize) && spec.gridSize >= 8)) {
    throw new Error(`gridSize must be an integer >= 8, got ${spec.gridSize}`);
  }
}
