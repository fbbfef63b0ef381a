// The demo's summary table: how each subgroup's monitored PORT hazard ratio, its z statistic, the
// O'Brien-Fleming boundary and the repeated confidence interval evolved look by look, with the
// alerts each look raised. Aggregates only; event counts below the small-cell minimum are suppressed
// as in mail and reports.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import { lookHistoryRuns } from '../jobs/previousLooks.ts';
import { printedCount, suppressCounts, suppressRow } from '../reports/suppression.ts';
import type { CellStatus } from '../reports/suppression.ts';
import { ARM_LABEL, ENDPOINT_SHORT, POPULATION_LABEL as REPORT_POPULATION_LABEL } from '../reports/vocabulary.ts';
import { detectionHeadline, detectionSentence, loadDetections } from './detection.ts';
import type { Detection } from './detection.ts';

export interface LookRow {
  readonly look: number;
  readonly cutoff: string;
  /** The plan version the look ran under (an amendment changes it from its effective date on). */
  readonly planVersion: string;
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

/**
 * The monitoring model's PORT estimate of every subgroup and endpoint at every live look (the look history:
 * completed, not voided), under whichever plan version each look ran: an amended plan's looks are the
 * same monitoring's.
 */
export async function loadLookRows(db: Kysely<Database>): Promise<LookRow[]> {
  const estimates = await lookHistoryRuns(db).innerJoin('analysis_estimates', 'analysis_runs.id', 'analysis_estimates.run_id')
    .select([
      'analysis_runs.id as runId', 'analysis_runs.look', 'analysis_runs.cutoff', 'analysis_runs.plan_version', 'population', 'endpoint', 'is_primary', 'n', 'events',
      'events_port', 'events_no_port', 'information_fraction', 'hr', 'lower', 'upper', 'z', 'boundary_z', 'repeated_lower', 'repeated_upper',
    ])
    .where('model', '=', 'monitoring').where('term', '=', 'port')
    .where('population', 'in', ['group1', 'group2', 'group3'])
    .orderBy('population').orderBy('endpoint').orderBy('analysis_runs.look').execute();
  const alerts = await lookHistoryRuns(db).innerJoin('alerts', 'analysis_runs.id', 'alerts.run_id')
    .select(['alerts.run_id', 'alerts.population', 'alerts.endpoint', 'alerts.rule', 'alerts.status'])
    .orderBy('rule').execute();
  const alertsOf = (runId: number, population: string, endpoint: string) => alerts
    .filter((a) => a.run_id === runId && a.population === population && a.endpoint === endpoint)
    .map((a) => (a.status === 'held' ? `${a.rule} (held)` : a.rule));
  return estimates.map((e) => ({
    look: e.look, cutoff: e.cutoff, planVersion: e.plan_version, population: e.population, endpoint: e.endpoint, primary: e.is_primary, n: e.n, events: e.events,
    eventsPort: e.events_port, eventsNoPort: e.events_no_port, informationFraction: e.information_fraction,
    hr: e.hr, lower: e.lower, upper: e.upper, z: e.z, boundaryZ: e.boundary_z, repeatedLower: e.repeated_lower, repeatedUpper: e.repeated_upper,
    alerts: alertsOf(e.runId, e.population, e.endpoint),
  }));
}

const fixed = (x: number | null, digits: number): string => (x === null || !Number.isFinite(x) ? '' : x.toFixed(digits));
const interval = (lo: number | null, hi: number | null): string => (lo === null || hi === null ? '' : `${fixed(lo, 2)}-${fixed(hi, 2)}`);
const count = (n: number | null, status: CellStatus, min: number): string => (n === null ? '' : printedCount(n, status, min));

/** Statuses of a row's counts: patients alone; events = PORT + PTR alone (one suppression function for every printed count). */
function rowStatus(r: LookRow, min: number): { n: CellStatus; events: CellStatus; port: CellStatus; ptr: CellStatus } {
  const n = suppressCounts({ cells: [r.n], relations: [] }, min)[0];
  if (r.eventsPort === null || r.eventsNoPort === null) return { n, events: suppressCounts({ cells: [r.events], relations: [] }, min)[0], port: 'shown', ptr: 'shown' };
  const s = suppressRow(r.events, [r.eventsPort, r.eventsNoPort], min);
  return { n, events: s.total, port: s.parts[0], ptr: s.parts[1] };
}

const CSV_COLUMNS = [
  'look', 'cutoff', 'plan_version', 'population', 'endpoint', 'primary', 'patients', 'events', 'events_port', 'events_no_port', 'information_fraction',
  'hr', 'lower95', 'upper95', 'z', 'boundary_z', 'repeated_lower', 'repeated_upper', 'alerts',
] as const;

/** One CSV row per look and estimand (machine-readable; numbers unrounded except suppressed counts). */
export function lookRowsCsv(rows: readonly LookRow[], smallCellMin: number): string {
  const num = (x: number | null) => (x === null || !Number.isFinite(x) ? '' : String(x));
  return stringify(rows.map((r) => { const s = rowStatus(r, smallCellMin); return [
    r.look, r.cutoff, r.planVersion, r.population, r.endpoint, r.primary, count(r.n, s.n, smallCellMin), count(r.events, s.events, smallCellMin),
    count(r.eventsPort, s.port, smallCellMin), count(r.eventsNoPort, s.ptr, smallCellMin), num(r.informationFraction),
    num(r.hr), num(r.lower), num(r.upper), num(r.z), num(r.boundaryZ), num(r.repeatedLower), num(r.repeatedUpper), r.alerts.join(' '),
  ]; }), { header: true, columns: [...CSV_COLUMNS] });
}

// One vocabulary: the report's labels.
const POPULATION_LABEL: Readonly<Record<string, string>> = REPORT_POPULATION_LABEL;
const ENDPOINT_LABEL: Readonly<Record<string, string>> = ENDPOINT_SHORT;

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
  // Plan versions in look order, with the looks each covered (more than one after an amendment).
  const versions: { version: string; from: number; to: number }[] = [];
  for (const r of [...rows].sort((a, b) => a.look - b.look)) {
    const last = versions.at(-1);
    if (last?.version === r.planVersion) last.to = r.look;
    else versions.push({ version: r.planVersion, from: r.look, to: r.look });
  }
  const amended = versions.length > 1;
  const plans = amended
    ? `plans ${versions.map((v) => `\`${v.version}\` (looks ${v.from}-${v.to})`).join(', then ')}`
    : `plan \`${versions[0]?.version ?? context.planVersion}\``;
  const lines: string[] = [
    '# CohortWatch demo: the monitored PORT hazard ratios, look by look',
    '',
    `**${detectionHeadline(detections, looks)}**`,
    ...detections.slice(1).map((d) => `Also: ${detectionSentence(d)}`),
    '',
    `Scenario \`${context.scenario}\`, seed ${context.seed}, ${context.patients} simulated patients, ${plans}.`,
    'Monitoring model: Cox of PORT adjusted for the plan\'s fixed covariates, per subgroup. `z` is the Wald z of the PORT',
    'coefficient; `boundary` is the Lan-DeMets O\'Brien-Fleming boundary at the look\'s information fraction `t`; the',
    'repeated CI is the CI at that boundary (it excludes 1 exactly when |z| reaches the boundary). The naive 95% CI is',
    `shown for comparison only. Event counts below ${context.smallCellMin} are suppressed (<${context.smallCellMin}), with a complementary count (≥${context.smallCellMin}) where subtraction would reveal one.`,
    '',
    '## Alerts',
    '',
  ];
  const fired = rows.filter((r) => r.alerts.length > 0);
  if (fired.length === 0) lines.push('No alert at any look.');
  for (const r of [...fired].sort((a, b) => a.look - b.look)) {
    lines.push(`- look ${r.look} (cutoff ${r.cutoff}): ${POPULATION_LABEL[r.population] ?? r.population} · ${ENDPOINT_LABEL[r.endpoint] ?? r.endpoint}: ${r.alerts.join(', ')}`);
  }
  const estimands = [...new Set(rows.filter((r) => r.primary).map((r) => `${r.population}|${r.endpoint}`))];
  for (const key of estimands) {
    const [population, endpoint] = key.split('|');
    lines.push('', `## ${POPULATION_LABEL[population] ?? population} · ${ENDPOINT_LABEL[endpoint] ?? endpoint}`, '',
      `| look | cutoff |${amended ? ' plan |' : ''} events (${ARM_LABEL.port} / ${ARM_LABEL.ptr}) | t | HR | 95% CI (naive) | z | boundary | repeated CI | alerts |`,
      `|---:|---|${amended ? '---|' : ''}---|---:|---:|---|---:|---:|---|---|`);
    for (const r of rows.filter((x) => x.population === population && x.endpoint === endpoint)) {
      const s = rowStatus(r, context.smallCellMin);
      const events = `${count(r.events, s.events, context.smallCellMin)} (${count(r.eventsPort, s.port, context.smallCellMin)} / ${count(r.eventsNoPort, s.ptr, context.smallCellMin)})`;
      lines.push(`| ${r.look} | ${r.cutoff} |${amended ? ` ${r.planVersion} |` : ''} ${events} | ${fixed(r.informationFraction, 2)} | ${fixed(r.hr, 2)} | ${interval(r.lower, r.upper)} | ${fixed(r.z, 2)} | ${fixed(r.boundaryZ, 2)} | ${interval(r.repeatedLower, r.repeatedUpper)} | ${r.alerts.join(', ')} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Writes `summary.md` and `summary.csv` into `dir`; returns their paths. */
export async function writeLookSummary(db: Kysely<Database>, dir: string, context: SummaryContext): Promise<{ markdown: string; csv: string }> {
  const rows = await loadLookRows(db);
  const markdown = path.join(dir, 'summary.md');
  const csv = path.join(dir, 'summary.csv');
  await fs.writeFile(markdown, lookRowsMarkdown(rows, context, await loadDetections(db)));
  await fs.writeFile(csv, lookRowsCsv(rows, context.smallCellMin));
  return { markdown, csv };
}
