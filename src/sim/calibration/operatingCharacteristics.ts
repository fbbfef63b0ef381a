import type { ScenarioName } from '../scenario.ts';
import { clopperPearson } from './clopperPearson.ts';
import type { Crossing, RegistryOutcome } from './registryMonitoring.ts';

/** Operating characteristics of the monitoring over registries of one scenario and size. */
export interface OperatingCharacteristics {
  readonly scenario: ScenarioName;
  readonly patients: number;
  readonly registries: number;
  readonly looks: number;
  /** Registries with at least one fired boundary crossing (either side): the family-wise rejection. */
  readonly anyCrossing: number;
  readonly anyCrossingCi: { lower: number; upper: number };
  /** Registries with a crossing for benefit of PORT (power, under an effect). */
  readonly benefit: number;
  readonly benefitCi: { lower: number; upper: number };
  readonly harm: number;
  /** Registries in which a group 1 estimand (PFS or OS) crossed for benefit: what the demo shows. */
  readonly group1: number;
  readonly group1Ci: { lower: number; upper: number };
  /** Median over them of the look of the first group 1 benefit crossing; null when none. */
  readonly medianGroup1Detection: { look: number; cutoff: string } | null;
  /** Registries in which each estimand crossed (for benefit), key "group1/pfs". */
  readonly byEstimand: Readonly<Record<string, number>>;
  /** Median over detecting registries of the look (number, cutoff) of the first benefit crossing; null when none. */
  readonly medianFirstDetection: { look: number; cutoff: string } | null;
  readonly departures: number;
  readonly drifts: number;
}

/** The lower median (an actual look) of a non-empty sorted list. */
const lowerMedian = <T>(sorted: readonly T[]): T => sorted[Math.floor((sorted.length - 1) / 2)];

export function operatingCharacteristics(outcomes: readonly RegistryOutcome[]): OperatingCharacteristics {
  if (outcomes.length === 0) throw new Error('no registries');
  const { scenario, patients, looks } = outcomes[0];
  const n = outcomes.length;
  const firstBenefit = (o: RegistryOutcome): Crossing | undefined => o.crossings.find((c) => c.side === 'benefit');
  const anyCrossing = outcomes.filter((o) => o.crossings.length > 0).length;
  const benefit = outcomes.filter((o) => firstBenefit(o) !== undefined).length;
  const harm = outcomes.filter((o) => o.crossings.some((c) => c.side === 'harm')).length;
  const byEstimand: Record<string, number> = {};
  for (const o of outcomes) {
    for (const key of new Set(o.crossings.filter((c) => c.side === 'benefit').map((c) => `${c.population}/${c.endpoint}`))) byEstimand[key] = (byEstimand[key] ?? 0) + 1;
  }
  const median = (crossings: (Crossing | undefined)[]) => {
    const sorted = crossings.filter((c): c is Crossing => c !== undefined).sort((a, b) => a.look - b.look);
    return sorted.length === 0 ? null : { look: lowerMedian(sorted).look, cutoff: lowerMedian(sorted).cutoff };
  };
  const firstGroup1 = (o: RegistryOutcome) => o.crossings.find((c) => c.side === 'benefit' && c.population === 'group1');
  const group1 = outcomes.filter((o) => firstGroup1(o) !== undefined).length;
  return {
    scenario, patients, registries: n, looks,
    anyCrossing, anyCrossingCi: clopperPearson(anyCrossing, n),
    benefit, benefitCi: clopperPearson(benefit, n), harm,
    group1, group1Ci: clopperPearson(group1, n), medianGroup1Detection: median(outcomes.map(firstGroup1)), byEstimand,
    medianFirstDetection: median(outcomes.map(firstBenefit)),
    departures: outcomes.reduce((s, o) => s + o.departures, 0),
    drifts: outcomes.reduce((s, o) => s + o.drifts, 0),
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const rate = (k: number, n: number, ci: { lower: number; upper: number }) => `${k} of ${n} (${pct(k / n)}, 95% CI ${pct(ci.lower)}-${pct(ci.upper)})`;

/** Markdown table of the family-wise false-alarm rate under the null scenario. */
export function falseAlarmMarkdown(rows: readonly OperatingCharacteristics[], alpha: number): string {
  const lines = [
    '| patients | looks | registries with a boundary crossing (family-wise, either side) | nominal | rate at most nominal | other effect alerts (departure / drift) |',
    '|---:|---:|---|---:|:---:|---|',
  ];
  for (const r of rows) {
    lines.push(`| ${r.patients.toLocaleString('en-US')} | ${r.looks} | ${rate(r.anyCrossing, r.registries, r.anyCrossingCi)} | ${alpha} | ${r.anyCrossing / r.registries <= alpha ? 'yes' : 'no'} | ${r.departures} / ${r.drifts} |`);
  }
  return lines.join('\n');
}

/** Markdown table of power and timing under an effect (paper, emerging). */
export function powerMarkdown(rows: readonly OperatingCharacteristics[]): string {
  const lines = [
    '| scenario | patients | looks | power: a primary estimand crosses for benefit | median look of first detection | group 1 (PFS or OS) crosses for benefit | median look of group 1 detection | group 1 PFS | group 1 OS | group 2 PFS | harm crossings |',
    '|---|---:|---:|---|---|---|---|---:|---:|---:|---:|',
  ];
  const at = (m: { look: number; cutoff: string } | null) => m === null ? 'none' : `look ${m.look} (${m.cutoff})`;
  for (const r of rows) {
    const est = (key: string) => pct((r.byEstimand[key] ?? 0) / r.registries);
    lines.push(`| \`${r.scenario}\` | ${r.patients.toLocaleString('en-US')} | ${r.looks} | ${rate(r.benefit, r.registries, r.benefitCi)} | ${at(r.medianFirstDetection)} | `
      + `${rate(r.group1, r.registries, r.group1Ci)} | ${at(r.medianGroup1Detection)} | ${est('group1/pfs')} | ${est('group1/os')} | ${est('group2/pfs')} | ${r.harm} |`);
  }
  return lines.join('\n');
}
