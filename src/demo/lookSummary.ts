// The demo's summary table: how each subgroup's monitored PORT hazard ratio, its z statistic, the
// O'Brien-Fleming boundary and the repeated confidence interval evolved look by look, with the
// alerts each look raised. Aggregates only; event counts below the small-cell minimum are suppressed
// as in mail and reports.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import { suppressedCount } from '../notify/suppress.ts';
import { detectionHeadline, detectionSentence, loadDetections } from './detection.ts';
import type { Detection } from './detection.ts';

export interface LookRow {
  readonly look: number;
  readonly cutoff: string;
  readonly population: string;
  readonly endpoint: string;
  readonly primary: boolean;
  readonly n: number;
  readonly events: number;
  readonly eventsPort: number | null;
  readonly eventsNoPort: number | null;
  readonly informationFraction: number | null;
  readonly hr: number | null;
  readonly lower: number | null;
  readonly upper: number | null;
  readonly z: number | null;
  readonly boundaryZ: number | null;
  readonly repeatedLower: number | null;
  readonly repeatedUpper: number | null;
  /** Rules that fired (or were held) for this estimand at this look, e.g. "boundary", "validity (held)". */
  readonly alerts: readonly string[];
}

/** The monitoring model's PORT estimate of every subgroup and endpoint at every look of the plan. */
export async function loadLookRows(db: Kysely<Database>, planVersion: string): Promise<LookRow[]> {
  const estimates = await db.selectFrom('analysis_estimates').innerJoin('analysis_runs', 'analysis_runs.id', 'analysis_estimates.run_id')
    .select([
      'analysis_runs.id as runId', 'analysis_runs.look', 'analysis_runs.cutoff', 'population', 'endpoint', 'is_primary', 'n', 'events',
      'events_port', 'events_no_port', 'information_fraction', 'hr', 'lower', 'upper', 'z', 'boundary_z', 'repeated_lower', 'repeated_upper',
    ])
    .where('analysis_runs.plan_version', '=', planVersion).where('model', '=', 'monitoring').where('term', '=', 'port')
    .where('population', 'in', ['group1', 'group2', 'group3'])
    .orderBy('population').orderBy('endpoint').orderBy('analysis_runs.look').execute();
  const alerts = await db.selectFrom('alerts').innerJoin('analysis_runs', 'analysis_runs.id', 'alerts.run_id')
    .select(['alerts.run_id', 'alerts.population', 'alerts.endpoint', 'alerts.rule', 'alerts.status'])
    .where('analysis_runs.plan_version', '=', planVersion).orderBy('rule').execute();
  const alertsOf = (runId: number, population: string, endpoint: string) => alerts
    .filter((a) => a.run_id === runId && a.population === population && a.endpoint === endpoint)
    .map((a) => (a.status === 'held' ? `${a.rule} (held)` : a.rule));
  return estimates.map((e) => ({
    look: e.look, cutoff: e.cutoff, population: e.population, endpoint: e.endpoint, primary: e.is_primary, n: e.n, events: e.events,
    eventsPort: e.events_port, eventsNoPort: e.events_no_port, informationFraction: e.information_fraction,
    hr: e.hr, lower: e.lower, upper: e.upper, z: e.z, boundaryZ: e.boundary_z, repeatedLower: e.repeated_lower, repeatedUpper: e.repeated_upper,
    alerts: alertsOf(e.runId, e.population, e.endpoint),
  }));
}

const fixed = (x: number | null, digits: number): string => (x === null || !Number.isFinite(x) ? '' : x.toFixed(digits));
const interval = (lo: number | null, hi: number | null): string => (lo === null || hi === null ? '' : `${fixed(lo, 2)}-${fixed(hi, 2)}`);
const count = (n: number | null, min: number): string => (n === null ? '' : suppressedCount(n, min));

const CSV_COLUMNS = [
  'look', 'cutoff', 'population', 'endpoint', 'primary', 'patients', 'events', 'events_port', 'events_no_port', 'information_fraction',
  'hr', 'lower95', 'upper95', 'z', 'boundary_z', 'repeated_lower', 'repeated_upper', 'alerts',
] as const;

/** One CSV row per look and estimand (machine-readable; numbers unrounded except suppressed counts). */
export function lookRowsCsv(rows: readonly LookRow[], smallCellMin: number): string {
  const num = (x: number | null) => (x === null || !Number.isFinite(x) ? '' : String(x));
  return stringify(rows.map((r) => [
    r.look, r.cutoff, r.population, r.endpoint, r.primary, count(r.n, smallCellMin), count(r.events, smallCellMin),
    count(r.eventsPort, smallCellMin), count(r.eventsNoPort, smallCellMin), num(r.informationFraction),
    num(r.hr), num(r.lower), num(r.upper), num(r.z), num(r.boundaryZ), num(r.repeatedLower), num(r.repeatedUpper), r.alerts.join(' '),
  ]), { header: true, columns: [...CSV_COLUMNS] });
}

const POPULATION_LABEL: Readonly<Record<string, string>> = {
  group1: 'Group 1 (T1/2, non-TNBC)', group2: 'Group 2 (T3/4, non-TNBC)', group3: 'Group 3 (TNBC)',
};
const ENDPOINT_LABEL: Readonly<Record<string, string>> = { os: 'OS', pfs: 'PFS', lrr: 'LRR', dp: 'DP' };

export interface SummaryContext {
  readonly scenario: string;
  readonly seed: number;
  readonly patients: number;
  readonly planVersion: string;
  readonly smallCellMin: number;
}

/** Markdown: what surveillance detected (first), what was replayed, the alerts in look order, then one table per primary estimand. */
export function lookRowsMarkdown(rows: readonly LookRow[], context: SummaryContext, detections: readonly Detection[] = []): string {
  const looks = new Set(rows.map((r) => r.look)).size;
  const lines: string[] = [
    '# CohortWatch demo: the monitored PORT hazard ratios, look by look',
    '',
    `**${detectionHeadline(detections, looks)}**`,
    ...detections.slice(1).map((d) => `Also: ${detectionSentence(d)}`),
    '',
    `Scenario \`${context.scenario}\`, seed ${context.seed}, ${context.patients} simulated patients, plan \`${context.planVersion}\`.`,
    'Monitoring model: Cox of PORT adjusted for the plan\'s fixed covariates, per subgroup. `z` is the Wald z of the PORT',
    'coefficient; `boundary` is the Lan-DeMets O\'Brien-Fleming boundary at the look\'s information fraction `t`; the',
    'repeated CI is the CI at that boundary (it excludes 1 exactly when |z| reaches the boundary). The naive 95% CI is',
    `shown for comparison only. Event counts below ${context.smallCellMin} are suppressed.`,
    '',
    '## Alerts',
    '',
  ];
  const fired = rows.filter((r) => r.alerts.length > 0);
  if (fired.length === 0) lines.push('No alert at any look.');
  for (const r of [...fired].sort((a, b) => a.look - b.look)) {
    lines.push(`- look ${r.look} (cutoff ${r.cutoff}): ${POPULATION_LABEL[r.population] ?? r.population} ${ENDPOINT_LABEL[r.endpoint] ?? r.endpoint}: ${r.alerts.join(', ')}`);
  }
  const estimands = [...new Set(rows.filter((r) => r.primary).map((r) => `${r.population}|${r.endpoint}`))];
  for (const key of estimands) {
    const [population, endpoint] = key.split('|');
    lines.push('', `## ${POPULATION_LABEL[population] ?? population}: ${ENDPOINT_LABEL[endpoint] ?? endpoint}`, '',
      '| look | cutoff | events (PORT / no PORT) | t | HR | 95% CI (naive) | z | boundary | repeated CI | alerts |',
      '|---:|---|---|---:|---:|---|---:|---:|---|---|');
    for (const r of rows.filter((x) => x.population === population && x.endpoint === endpoint)) {
      const events = `${count(r.events, context.smallCellMin)} (${count(r.eventsPort, context.smallCellMin)} / ${count(r.eventsNoPort, context.smallCellMin)})`;
      lines.push(`| ${r.look} | ${r.cutoff} | ${events} | ${fixed(r.informationFraction, 2)} | ${fixed(r.hr, 2)} | ${interval(r.lower, r.upper)} | ${fixed(r.z, 2)} | ${fixed(r.boundaryZ, 2)} | ${interval(r.repeatedLower, r.repeatedUpper)} | ${r.alerts.join(', ')} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Writes `summary.md` and `summary.csv` into `dir`; returns their paths. */
export async function writeLookSummary(db: Kysely<Database>, dir: string, context: SummaryContext): Promise<{ markdown: string; csv: string }> {
  const rows = await loadLookRows(db, context.planVersion);
  const markdown = path.join(dir, 'summary.md');
  const csv = path.join(dir, 'summary.csv');
  await fs.writeFile(markdown, lookRowsMarkdown(rows, context, await loadDetections(db)));
  await fs.writeFile(csv, lookRowsCsv(rows, context.smallCellMin));
  return { markdown, csv };
}
