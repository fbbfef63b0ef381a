import { TERMINAL_STATES } from './monitoring/index.ts';
import type { EstimandLook } from './monitoring/index.ts';
import type { AnalysisPlan } from './plan.ts';
import { estimandKey } from './runResult.ts';

export interface AmendmentContext {
  /** The plan in force now (the latest amendment, or the shipped plan). */
  readonly current: AnalysisPlan;
  /** Every plan version used so far (shipped and amended): a version names one document for ever. */
  readonly knownVersions: readonly string[];
  /** Effective date of the latest amendment, null when none. */
  readonly lastEffectiveFrom: string | null;
  /** Cutoff of the latest look taken (non-voided), null when none. */
  readonly latestCutoff: string | null;
  /** Every stored look of the primary estimands. */
  readonly looks: readonly EstimandLook[];
}

export interface AmendmentCheck {
  /** Why the amendment is refused (one line each); empty when it is accepted. */
  readonly problems: string[];
  /** What it will do, said plainly (new families, alpha carried over). */
  readonly notes: string[];
}

const spentBy = (looks: readonly EstimandLook[]) => {
  const byFamily = new Map<string, number>();
  for (const l of looks) byFamily.set(l.family, Math.max(byFamily.get(l.family) ?? 0, l.alphaSpent));
  return byFamily;
};

/**
 * The amendment rules (docs/analysis.md, "Amending the plan"):
 * 1. looks before the effective date are never re-judged: it must fall after the latest look and after
 *    the latest amendment's effective date;
 * 2. alpha already spent stays spent: an estimand whose definition is unchanged continues its family,
 *    and its alpha share may not fall below what the family (and any earlier family) has spent;
 * 3. a changed definition starts a new family with the alpha that is left (share minus everything its
 *    earlier families spent), which must be positive;
 * 4. no estimand stops being monitored silently: a primary estimand still being monitored (not crossed
 *    or complete) may not be dropped.
 */
export function checkAmendment(proposed: AnalysisPlan, effectiveFrom: string, ctx: AmendmentContext): AmendmentCheck {
  const problems: string[] = [];
  const notes: string[] = [];
  if (ctx.knownVersions.includes(proposed.version)) problems.push(`version: "${proposed.version}" is already used; an amended plan needs a new version`);
  if (ctx.latestCutoff !== null && !(effectiveFrom > ctx.latestCutoff)) {
    problems.push(`effective-from: ${effectiveFrom} is not after the latest look (${ctx.latestCutoff}); looks already taken are never re-judged`);
  }
  if (ctx.lastEffectiveFrom !== null && !(effectiveFrom > ctx.lastEffectiveFrom)) {
    problems.push(`effective-from: ${effectiveFrom} is not after the previous amendment's (${ctx.lastEffectiveFrom})`);
  }
  for (const before of ctx.current.primary) {
    const key = estimandKey(before.population, before.endpoint);
    const looks = ctx.looks.filter((l) => estimandKey(l.population, l.endpoint) === key);
    const last = looks.filter((l) => l.family === before.family).at(-1);
    const after = proposed.primary.find((p) => p.population === before.population && p.endpoint === before.endpoint);
    if (!after) {
      if (last && !TERMINAL_STATES.includes(last.state)) problems.push(`primary: ${key} is still ${last.state} and may not be dropped (monitoring may end only by crossing or completing)`);
      continue;
    }
    const spent = spentBy(looks);
    const total = [...spent.values()].reduce((s, x) => s + x, 0);
    if (after.family === before.family) {
      if (after.alpha < total) problems.push(`primary.${key}.alpha: ${after.alpha} is below the ${total.toPrecision(4)} already spent; spent alpha stays spent`);
      else if (after.alpha !== before.alpha || JSON.stringify(after.design) !== JSON.stringify(before.design)) {
        notes.push(`${key}: design amended, spending continues from the ${total.toPrecision(4)} already spent`);
      }
    } else {
      const left = after.alpha - total;
      if (!(left > 0)) problems.push(`primary.${key}: its definition changed, which starts a new family, but no alpha is left (${after.alpha} share, ${total.toPrecision(4)} spent)`);
      else notes.push(`${key}: definition changed, a new spending family starts with alpha ${left.toPrecision(4)} (share ${after.alpha} minus ${total.toPrecision(4)} spent)`);
    }
  }
  return { problems, notes };
}
