// The small-cell statuses of every baseline count the report prints, decided once over all of them:
// Table 1 of every population and the data-quality table of missing covariates share totals, so one
// table's complementary suppression alone can leave a count recoverable from another (the subtraction
// audit of test/reports/registryReport.test.ts found Table 1 counts of a subgroup pinned through the
// table of all patients). The relations, each per covariate, level and arm:
// - levels + missing = the arm's patients (printed in the header, and the sum of the flow table's counts);
// - all patients = group 1 + group 2 + group 3 + unclassified (the unclassified counts are printed
//   nowhere: unknowns, though their arm sizes follow from the printed ones);
// - data quality's missing count = Table 1's missing counts of all patients, both arms.
import type { Arm, ReportInput } from './reportInput.ts';
import { ARMS } from './reportInput.ts';
import { suppressCounts } from './suppression.ts';
import type { CellStatus, SignedRelation } from './suppression.ts';

export interface BaselineCounts {
  /** Status of a Table 1 count: `level` is a level of the covariate or 'missing'. */
  table1(population: string, covariate: string, level: string, arm: Arm): CellStatus;
  /** Status of the data-quality count of patients missing a covariate. */
  missing(covariate: string): CellStatus;
}

const GROUPS = ['group1', 'group2', 'group3'] as const;
const cache = new WeakMap<ReportInput, BaselineCounts>();

function decide(input: ReportInput): BaselineCounts {
  const cells: number[] = [];
  const index = new Map<string, number>();
  const fixed: number[] = [];
  const unpublished: number[] = [];
  const derived: number[] = [];
  const cell = (key: string, value: number, kind: 'printed' | 'fixed' | 'unpublished' | 'derived' = 'printed'): number => {
    const existing = index.get(key);
    if (existing !== undefined) return existing;
    index.set(key, cells.length);
    cells.push(value);
    if (kind === 'fixed') fixed.push(cells.length - 1);
    if (kind === 'unpublished') unpublished.push(cells.length - 1);
    if (kind === 'derived') derived.push(cells.length - 1);
    return cells.length - 1;
  };
  const relations: SignedRelation[] = [];
  const tables = new Map(input.baseline.map((t) => [t.population as string, t]));
  // Counts per population, covariate, level (or 'missing') and arm.
  const counts = new Map<string, number>();
  const levelsOf = new Map<string, string[]>();
  for (const t of input.baseline) {
    for (const arm of ARMS) cell(`n|${t.population}|${arm}`, t.n[arm], 'fixed');
    for (const row of t.rows) {
      const levels = row.kind === 'categorical' ? [...row.levels.map((l) => l.level as string), 'missing'] : ['missing'];
      if (t.population === 'all') levelsOf.set(row.covariate, levels);
      for (const arm of ARMS) {
        for (const level of levels) {
          const value = level === 'missing' ? row.missing[arm] : row.kind === 'categorical' ? (row.levels.find((l) => l.level === level)?.count[arm] ?? 0) : 0;
          counts.set(`${t.population}|${row.covariate}|${level}|${arm}`, value);
          cell(`t1|${t.population}|${row.covariate}|${level}|${arm}`, value);
        }
        if (row.kind === 'categorical') {
          relations.push({ plus: levels.map((l) => cell(`t1|${t.population}|${row.covariate}|${l}|${arm}`, 0)), minus: [cell(`n|${t.population}|${arm}`, 0)] });
        }
      }
    }
  }
  const all = tables.get('all');
  if (all !== undefined && GROUPS.every((g) => tables.has(g))) {
    for (const arm of ARMS) {
      const unclassified = all.n[arm] - GROUPS.reduce((a, g) => a + (tables.get(g)?.n[arm] ?? 0), 0);
      // Printed nowhere, but the arm sizes of all patients and of the groups give it away.
      cell(`n|unclassified|${arm}`, unclassified, 'derived');
    }
    for (const [covariate, levels] of levelsOf) {
      if (!GROUPS.every((g) => tables.get(g)?.rows.some((r) => r.covariate === covariate))) continue;
      for (const arm of ARMS) {
        for (const level of levels) {
          const key = (p: string) => `${p}|${covariate}|${level}|${arm}`;
          const rest = (counts.get(key('all')) ?? 0) - GROUPS.reduce((a, g) => a + (counts.get(key(g)) ?? 0), 0);
          const u = cell(`t1|${key('unclassified')}`, rest, 'unpublished');
          relations.push({ plus: [...GROUPS.map((g) => cell(`t1|${key(g)}`, 0)), u], minus: [cell(`t1|${key('all')}`, 0)] });
        }
        if (levels.length > 1) relations.push({ plus: levels.map((l) => cell(`t1|unclassified|${covariate}|${l}|${arm}`, 0)), minus: [cell(`n|unclassified|${arm}`, 0)] });
      }
    }
  }
  for (const m of input.dataQuality.missingCovariates) {
    const d = cell(`dq|${m.covariate}`, m.missing);
    const parts = ARMS.map((arm) => index.get(`t1|all|${m.covariate}|missing|${arm}`));
    if (parts.every((p): p is number => p !== undefined)) relations.push({ plus: parts, minus: [d] });
  }
  const status = suppressCounts({ cells, relations, fixed, unpublished, derived }, input.privacy.smallCellMin);
  const at = (key: string): CellStatus => {
    const i = index.get(key);
    if (i === undefined) throw new Error(`no baseline count ${key}`);
    return status[i];
  };
  return {
    table1: (population, covariate, level, arm) => at(`t1|${population}|${covariate}|${level}|${arm}`),
    missing: (covariate) => at(`dq|${covariate}`),
  };
}

/** The statuses of the report's baseline counts (decided once per input). */
export function baselineCounts(input: ReportInput): BaselineCounts {
  let decided = cache.get(input);
  if (decided === undefined) {
    decided = decide(input);
    cache.set(input, decided);
  }
  return decided;
}
