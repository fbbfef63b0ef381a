// `cohortwatch plan export-r`: everything a biostatistician needs to redo a look in R (survival + rpact)
// without CohortWatch: the analysis dataset as of the look, the primary estimands' definitions, their
// recorded information history, an R script that refits and recomputes, and CohortWatch's own numbers.
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { stringify } from 'csv-stringify/sync';
import { COVARIATES } from '../analysis/covariates.ts';
import type { CovariateName } from '../analysis/covariates.ts';
import { MIN_SPEND } from '../analysis/monitoring/estimandStep.ts';
import type { EstimandLook } from '../analysis/monitoring/index.ts';
import type { AnalysisPlan } from '../analysis/plan.ts';
import type { PlanRow } from '../analysis/planRow.ts';
import { FILTER_COLUMNS, STATUS_COLUMNS, TIME_COLUMNS } from '../analysis/planDocument.ts';
import type { Database } from '../db/database.ts';
import { parseCutoffDate } from '../analysis/lookSchedule.ts';
import { datasetHash } from '../analysis/datasetHash.ts';
import { pipelineDataset } from './datasetLoader.ts';
import { planAt } from './planAmendments.ts';
import { loadEstimandLooks, lookHistoryRuns } from './previousLooks.ts';

/** The R script shipped with CohortWatch, copied next to the data. */
export const R_TEMPLATE = new URL('../../scripts/r/refit-monitoring.R', import.meta.url);

export const EXPORT_FILES = {
  dataset: 'analysis-dataset.csv',
  estimands: 'estimands.csv',
  looks: 'looks.csv',
  script: 'refit-monitoring.R',
  cohortwatch: 'cohortwatch.json',
} as const;

/** Nothing to export (no look on or before the date); the CLI prints it as one line, exit 2. */
export class ExportRError extends Error {
  override name = 'ExportRError';
}

export interface ExportROptions {
  readonly asOf: string;
  readonly outDir: string;
}

/** One primary estimand's numbers at the exported look, as CohortWatch stored them and as the R script prints them. */
export interface ExportedEstimand extends Pick<EstimandLook,
  'events' | 'coef' | 'se' | 'z' | 'hr' | 'maxEvents' | 'informationFraction' | 'alpha' | 'alphaSpent'
  | 'boundaryZ' | 'boundaryHrLower' | 'boundaryHrUpper' | 'repeatedLower' | 'repeatedUpper'> {
  readonly population: string;
  readonly endpoint: string;
  readonly n: number | null;
  readonly nPort: number | null;
  /** The monitoring estimate is Firth-penalised (coxphf is not in Debian: the R script does not refit it). */
  readonly firth: boolean;
  readonly looks: readonly { cutoff: string; events: number; informationFraction: number | null; alphaSpent: number; boundaryZ: number | null }[];
}

export interface ExportedLook {
  readonly cutoff: string;
  readonly look: number;
  readonly planVersion: string;
  readonly planHash: string | null;
  readonly datasetHash: string | null;
  /** The dataset as of the cutoff, read now, is the one the look analysed (no late report changed it). */
  readonly datasetUnchanged: boolean;
  readonly patients: number;
  readonly minSpend: number;
  readonly estimands: readonly ExportedEstimand[];
}

export interface ExportRResult {
  readonly dir: string;
  readonly files: readonly string[];
  readonly look: ExportedLook;
}

/** R-friendly column name of a covariate (some share a name with an export column, e.g. tnbc). */
export const covariateColumn = (name: CovariateName) => `cov_${name}`;

const cell = (v: string | number | boolean | null | undefined): string => (v === null || v === undefined ? 'NA' : typeof v === 'boolean' ? (v ? 'TRUE' : 'FALSE') : String(v));

/** The analysis dataset: the plan's filter columns, endpoint times and statuses, and its covariates as 0/1 (NA when unknown). No patient id. */
function datasetCsv(rows: readonly PlanRow[], covariates: readonly CovariateName[]): string {
  const columns = [...FILTER_COLUMNS, ...TIME_COLUMNS, ...STATUS_COLUMNS];
  const header = [...columns, ...covariates.map(covariateColumn)];
  const body = rows.map((row) => [
    ...columns.map((c) => cell(row[c])),
    ...covariates.map((c) => cell(COVARIATES[c].value(row))),
  ]);
  return stringify(body, { header: true, columns: header });
}

function estimandsCsv(plan: AnalysisPlan): string {
  const body = plan.primary.map((p) => {
    const population = plan.document.populations.find((q) => q.id === p.population);
    const endpoint = plan.document.endpoints.find((q) => q.id === p.endpoint);
    if (!population || !endpoint) throw new Error(`plan ${plan.version}: primary ${p.population}/${p.endpoint} has no population or endpoint`);
    const rule = p.design.maxInformation;
    return [
      p.population, p.endpoint, p.family,
      // Equality conditions over export columns, all of which must hold: "column=value;column=value".
      Object.entries(population.where).map(([k, v]) => `${k}=${cell(v)}`).join(';'),
      endpoint.time, endpoint.status, population.monitoringCovariates.map(covariateColumn).join(' '),
      p.alpha, p.design.targetHr, p.design.power, rule.rule,
      rule.rule === 'events' ? rule.maxEvents : null, rule.rule === 'schoenfeld' ? rule.plannedLooks : null,
      p.design.horizon?.from ?? null, p.design.horizon?.to ?? null,
    ].map(cell);
  });
  return stringify(body, {
    header: true,
    columns: ['population', 'endpoint', 'family', 'where', 'time', 'status', 'covariates', 'alpha', 'targetHr', 'power', 'rule', 'maxEvents', 'plannedLooks', 'horizonFrom', 'horizonTo'],
  });
}

/**
 * The recorded information history: one row per primary estimand and look up to the exported one.
 * The R script takes as given what it cannot recompute from today's dataset (each earlier look's events
 * and maximum events, whether it was gated or had an estimate, the state it left) and recomputes the
 * rest (spending time, alpha spent, boundary); `recorded*` columns are CohortWatch's values, to compare.
 */
function looksCsv(looks: readonly EstimandLook[], plans: ReadonlyMap<string, AnalysisPlan>): string {
  const body = looks.map((l) => {
    const design = plans.get(l.planVersion)?.primary.find((p) => p.population === l.population && p.endpoint === l.endpoint)?.design;
    return [
      l.population, l.endpoint, l.look, l.cutoff, l.planVersion, l.family, l.alpha, l.events, l.maxEvents,
      design?.horizon?.from ?? null, design?.horizon?.to ?? null,
      (l.note ?? '').startsWith('accruing:'), l.coef !== null, l.state,
      l.informationFraction, l.alphaSpent, l.boundaryZ,
    ].map(cell);
  });
  return stringify(body, {
    header: true,
    columns: ['population', 'endpoint', 'look', 'cutoff', 'planVersion', 'family', 'alpha', 'events', 'maxEvents', 'horizonFrom', 'horizonTo',
      'gated', 'hasEstimate', 'state', 'recordedInformationFraction', 'recordedAlphaSpent', 'recordedBoundaryZ'],
  });
}

async function plansOf(db: Kysely<Database>, looks: readonly EstimandLook[], shipped: AnalysisPlan): Promise<Map<string, AnalysisPlan>> {
  const plans = new Map<string, AnalysisPlan>();
  for (const l of looks) {
    if (plans.has(l.planVersion)) continue;
    const plan = await planAt(db, l.cutoff, shipped);
    plans.set(plan.version, plan);
  }
  return plans;
}

/**
 * Writes the export of the latest look on or before `asOf` into `outDir` (created if missing; the five
 * files are overwritten). Reads only: nothing in the database changes.
 */
export async function exportR(db: Kysely<Database>, shipped: AnalysisPlan, options: ExportROptions): Promise<ExportRResult> {
  const asOf = parseCutoffDate(options.asOf);
  const run = await lookHistoryRuns(db, asOf).selectAll('analysis_runs').orderBy('analysis_runs.cutoff', 'desc').limit(1).executeTakeFirst();
  if (!run) throw new ExportRError(`no completed look on or before ${asOf}: run \`cohortwatch reanalyze --as-of ${asOf} --wait\` first`);
  const plan = await planAt(db, run.cutoff, shipped);
  const looks = await loadEstimandLooks(db, run.cutoff);
  const rows = await pipelineDataset(db, run.cutoff);
  const hash = datasetHash(rows);
  const estimates = await db.selectFrom('analysis_estimates').selectAll()
    .where('run_id', '=', run.id).where('model', '=', 'monitoring').where('term', '=', 'port').execute();

  const current = looks.filter((l) => l.cutoff === run.cutoff);
  const estimands: ExportedEstimand[] = plan.primary.map((p) => {
    const look = current.find((l) => l.population === p.population && l.endpoint === p.endpoint);
    if (!look) throw new Error(`look ${run.look} (${run.cutoff}) has no monitoring look for ${p.population}/${p.endpoint}`);
    const estimate = estimates.find((e) => e.population === p.population && e.endpoint === p.endpoint);
    const details = (estimate?.details ?? {}) as { nPort?: number; firth?: boolean };
    return {
      population: p.population, endpoint: p.endpoint, n: estimate?.n ?? null, events: look.events, nPort: details.nPort ?? null,
      coef: look.coef, se: look.se, z: look.z, hr: look.hr, firth: details.firth === true,
      maxEvents: look.maxEvents, informationFraction: look.informationFraction, alpha: look.alpha, alphaSpent: look.alphaSpent,
      boundaryZ: look.boundaryZ, boundaryHrLower: look.boundaryHrLower, boundaryHrUpper: look.boundaryHrUpper,
      repeatedLower: look.repeatedLower, repeatedUpper: look.repeatedUpper,
      looks: looks.filter((l) => l.population === p.population && l.endpoint === p.endpoint)
        .map((l) => ({ cutoff: l.cutoff, events: l.events, informationFraction: l.informationFraction, alphaSpent: l.alphaSpent, boundaryZ: l.boundaryZ })),
    };
  });
  const exported: ExportedLook = {
    cutoff: run.cutoff, look: run.look, planVersion: plan.version, planHash: run.plan_hash, datasetHash: run.dataset_hash,
    datasetUnchanged: hash === run.dataset_hash, patients: rows.length, minSpend: MIN_SPEND, estimands,
  };

  const covariates = [...new Set(plan.populations.flatMap((p) => p.monitoringCovariates))];
  const dir = path.resolve(options.outDir);
  await mkdir(dir, { recursive: true });
  const file = (name: string) => path.join(dir, name);
  await writeFile(file(EXPORT_FILES.dataset), datasetCsv(rows, covariates));
  await writeFile(file(EXPORT_FILES.estimands), estimandsCsv(plan));
  await writeFile(file(EXPORT_FILES.looks), looksCsv(looks, await plansOf(db, looks, shipped)));
  await writeFile(file(EXPORT_FILES.cohortwatch), `${JSON.stringify(exported, null, 2)}\n`);
  await copyFile(R_TEMPLATE, file(EXPORT_FILES.script));
  return { dir, files: Object.values(EXPORT_FILES).map(file), look: exported };
}
