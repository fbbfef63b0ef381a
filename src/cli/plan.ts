import { readFile } from 'node:fs/promises';
import type { RegisterCommand } from './commands.ts';
import { loadEnv } from '../config/env.ts';
import { maxEvents } from '../analysis/monitoring/index.ts';
import { DEFAULT_PLAN } from '../analysis/plan.ts';
import type { AnalysisPlan } from '../analysis/plan.ts';
import { parsePlanText } from '../analysis/planDocument.ts';
import type { PlanDocument } from '../analysis/planDocument.ts';
import { AmendmentRefusedError, amendPlan, currentPlan, planHistory } from '../jobs/planAmendments.ts';
import { cutoffDateArgument } from './cutoffDateArgument.ts';
import { withDatabase } from './pipeline/resources.ts';
import { registerPlanExportR } from './planExportR.ts';

/** Reads and validates a plan file; prints one line per problem and sets exit code 2 when invalid. */
async function readPlanFile(file: string): Promise<PlanDocument | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    console.error(`cohortwatch: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    process.exitCode = 2;
    return null;
  }
  const parsed = parsePlanText(text);
  if (!parsed.ok) {
    for (const problem of parsed.problems) console.error(`${file}: ${problem}`);
    process.exitCode = 2;
    return null;
  }
  return parsed.document;
}

function designLine(p: AnalysisPlan['primary'][number]): string {
  const d = p.design;
  const rule = d.maxInformation.rule === 'events' ? `max ${d.maxInformation.maxEvents} events`
    : d.maxInformation.rule === 'schoenfeld' ? `Schoenfeld events x OBF inflation (${d.maxInformation.plannedLooks} looks; ${maxEvents(d, p.alpha, 0.5) ?? '-'} at 1:1)`
      : 'calendar time';
  const horizon = d.horizon === null ? '' : `, horizon ${d.horizon.from}..${d.horizon.to}`;
  return `  ${`${p.population}/${p.endpoint}`.padEnd(12)} alpha ${p.alpha.toPrecision(4)}  target HR ${d.targetHr}, power ${d.power}, ${rule}${horizon}  [${p.family}]`;
}

function describe(plan: AnalysisPlan): string {
  return [
    `plan ${plan.version} (sha256 ${plan.hash.slice(0, 16)}...)`,
    plan.document.title,
    `alpha ${plan.totalAlpha} two-sided over ${plan.primary.length} primary estimands, Lan-DeMets O'Brien-Fleming spending`,
    'primary estimands:',
    ...plan.primary.map(designLine),
    `futility guidance (non-binding): conditional power under the trend < ${plan.futility.conditionalPowerBelow} from information ${plan.futility.fromInformation}`,
    `populations: ${plan.populations.map((p) => `${p.id} [${p.monitoringCovariates.join(', ')}]`).join('; ')}`,
    `endpoints: ${plan.endpoints.map((e) => e.id).join(', ')}; landmarks ${plan.landmarkYears.join(', ')} years`,
  ].join('\n');
}

/** `cohortwatch plan show|validate|amend|history`: the monitoring plan as a versioned document. */
export const registerPlan: RegisterCommand = (program) => {
  const command = program.command('plan').description('the monitoring plan: show, validate, amend (append-only history)');
  command.command('show')
    .description('the plan in force (the latest amendment, else the shipped plan)')
    .option('--json', 'print the plan document')
    .option('--shipped', 'the shipped plan, without reading the database')
    .action(async (options: { json?: boolean; shipped?: boolean }) => {
      const plan = options.shipped ? DEFAULT_PLAN : await withDatabase(loadEnv(), (db) => currentPlan(db, DEFAULT_PLAN));
      console.log(options.json ? JSON.stringify(plan.document, null, 2) : describe(plan));
    });
  command.command('validate <file>')
    .description('validate a plan file (exit 2 with one line per problem)')
    .action(async (file: string) => {
      const document = await readPlanFile(file);
      if (document) console.log(`${file}: valid plan ${document.version}`);
    });
  command.command('amend <file>')
    .description('record an amended plan, effective for looks at cutoffs on or after --effective-from')
    .requiredOption('--effective-from <date>', 'YYYY-MM-DD, after the latest look', cutoffDateArgument)
    .requiredOption('--reason <text>', 'why the plan changes')
    .requiredOption('--by <name>', 'who amends it')
    .action(async (file: string, options: { effectiveFrom: string; reason: string; by: string }) => {
      const document = await readPlanFile(file);
      if (!document) return;
      try {
        const { id, check, plan } = await withDatabase(loadEnv(), (db) => amendPlan(db, DEFAULT_PLAN, { document, ...options }));
        console.log(`amendment ${id}: plan ${plan.version} (sha256 ${plan.hash.slice(0, 16)}...) effective from ${options.effectiveFrom}`);
        for (const note of check.notes) console.log(`  ${note}`);
      } catch (error) {
        if (error instanceof AmendmentRefusedError) {
          for (const problem of error.problems) console.error(`${file}: ${problem}`);
          process.exitCode = 2;
          return;
        }
        throw error;
      }
    });
  registerPlanExportR(command);
  command.command('history')
    .description('the shipped plan and every amendment, in order')
    .option('--json', 'JSON output')
    .action(async (options: { json?: boolean }) => {
      const entries = await withDatabase(loadEnv(), (db) => planHistory(db, DEFAULT_PLAN));
      if (options.json) {
        console.log(JSON.stringify(entries));
        return;
      }
      for (const e of entries) {
        console.log(`${(e.effectiveFrom ?? 'origin').padEnd(10)}  ${e.version}  sha256 ${e.hash.slice(0, 12)}  by ${e.by}: ${e.reason}`);
      }
    });
};
