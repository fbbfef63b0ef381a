import { alphaSpent, boundaryAfterHistory } from '../../stats/sequential/index.ts';
import type { RecordedLook } from '../../stats/sequential/index.ts';
import type { PrimaryEstimand } from '../plan.ts';
import { MIN_SPEND } from './estimandStep.ts';
import { TERMINAL_STATES } from './types.ts';
import type { EstimandLook } from './types.ts';

/** A look the design still plans: projected events, its boundary given the looks taken, the alpha spent by then. */
export interface PlannedLook {
  readonly informationFraction: number;
  readonly events: number;
  readonly boundaryZ: number;
  readonly alphaSpent: number;
  /** HRs at which z would reach the boundary, at the se projected from the latest look (se ∝ 1/sqrt(events)). */
  readonly boundaryHrLower: number | null;
  readonly boundaryHrUpper: number | null;
}

/**
 * The rest of the design as rpact's summary prints it: looks at spending times k/K (K the design's
 * planned looks, 4 for a rule without one) beyond the latest look, up to 1, with their boundaries given the
 * boundaries actually used so far. Events are projected from the maximum events (or, under the calendar
 * rule, in proportion to the spending time). Empty once the estimand has crossed or completed.
 */
export function plannedLooks(estimand: PrimaryEstimand, looks: readonly EstimandLook[]): PlannedLook[] {
  const family = looks.filter((l) => l.family === estimand.family);
  const last = family.at(-1);
  if (!last || TERMINAL_STATES.includes(last.state) || last.informationFraction === null || !(last.informationFraction > 0)) return [];
  const t0 = last.informationFraction;
  const planned = estimand.design.maxInformation.rule === 'schoenfeld' ? estimand.design.maxInformation.plannedLooks : 4;
  const projectedEvents = (t: number) => (last.maxEvents !== null ? t * last.maxEvents : (last.events * t) / t0);
  const history: RecordedLook[] = family.filter((l) => l.boundaryZ !== null).map((l) => ({ information: l.events, critical: l.boundaryZ ?? Infinity }));
  let spent = last.alphaSpent;
  const out: PlannedLook[] = [];
  for (let k = 1; k <= planned; k++) {
    const t = k / planned;
    if (!(t > t0 + 1e-9)) continue;
    const events = projectedEvents(t);
    const increment = (t >= 1 ? last.alpha : alphaSpent('obf', t, last.alpha, 2)) - spent;
    if (!(increment >= MIN_SPEND) || !(events > (history.at(-1)?.information ?? 0))) continue;
    const { critical, spent: used } = boundaryAfterHistory(history, events, increment);
    spent += used;
    history.push({ information: events, critical });
    const se = last.se === null ? null : last.se * Math.sqrt(last.events / events);
    out.push({
      informationFraction: t, events, boundaryZ: critical, alphaSpent: spent,
      boundaryHrLower: se === null ? null : Math.exp(-critical * se), boundaryHrUpper: se === null ? null : Math.exp(critical * se),
    });
  }
  return out;
}
