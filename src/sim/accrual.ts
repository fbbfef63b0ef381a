import type { Rng } from './prng.ts';
import { dayOf } from './days.ts';

/**
 * Staggered accrual: PTR dates between the paper's first and last (Oct 2000 - Dec 2015) with a density
 * rising linearly to `laterWeight` times its starting value (registries grow; an assumption tuned with
 * the median follow-up). Dates are generated already sorted, one at a time, by the sequential method
 * for ordered uniforms (Bentley & Saxe, ACM TOMS 1980;6:359-64): u_i = 1 - (1 - u_{i-1}) V^(1/(n-i+1)),
 * so N patients stream in accrual order without holding N dates.
 */
export const ACCRUAL = { first: '2000-10-01', last: '2015-12-31', laterWeight: 2.5 } as const;

export class AccrualClock {
  private readonly firstDay = dayOf(ACCRUAL.first);
  private readonly spanDays = dayOf(ACCRUAL.last) - dayOf(ACCRUAL.first) + 1;
  private u = 0;
  private i = 0;

  constructor(private readonly rng: Rng, private readonly n: number) {}

  /** PTR day of the next patient (non-decreasing). */
  next(): number {
    const remaining = this.n - this.i;
    if (remaining <= 0) throw new Error('AccrualClock: all patients already accrued');
    this.u = 1 - (1 - this.u) * Math.pow(this.rng.uniform(), 1 / remaining);
    this.i++;
    return this.firstDay + Math.min(this.spanDays - 1, Math.floor(inverseCdf(this.u, ACCRUAL.laterWeight - 1) * this.spanDays));
  }
}

/** Inverse CDF of the density (1 + s x) / (1 + s/2) on [0, 1]. */
function inverseCdf(p: number, s: number): number {
  if (s === 0) return p;
  return (-1 + Math.sqrt(1 + 2 * s * p * (1 + s / 2))) / s;
}
