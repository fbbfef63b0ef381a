import type { RegisterCommand } from './commands.ts';
import { loadEnv } from '../config/env.ts';
import type { EstimandMonitoringJson } from '../analysis/monitoringJson.ts';
import { monitoringReport } from '../jobs/monitoringReport.ts';
import { cutoffDateArgument } from './cutoffDateArgument.ts';
import { withDatabase } from './pipeline/resources.ts';

const f = (x: number | null, digits = 2) => (x === null ? '-' : x.toFixed(digits));
const HEAD = ['estimand', 'state', 'looks', 'events', 'max events', 't', 'alpha spent', 'HR', 'z', 'boundary', 'repeated CI', 'CP trend', 'CP design'];

function cells(e: EstimandMonitoringJson): string[] {
  return [
    `${e.population} ${e.endpoint.toUpperCase()}`, e.side ? `${e.state} (${e.side})` : e.state, String(e.looks.length),
    e.events === null ? '-' : String(e.events), e.maxEvents === null ? '-' : String(e.maxEvents), f(e.informationFraction),
    `${e.alphaSpent.toExponential(2)} / ${e.alpha.toPrecision(3)}`, f(e.hr), f(e.z), e.boundaryZ === null ? '-' : `±${f(e.boundaryZ)}`,
    e.repeatedLower === null || e.repeatedUpper === null ? '-' : `${f(e.repeatedLower)}-${f(e.repeatedUpper)}`,
    f(e.conditionalPower.trend), f(e.conditionalPower.design),
  ];
}

/** `cohortwatch monitoring [--as-of DATE] [--json]`: each primary estimand's sequential state. */
export const registerMonitoring: RegisterCommand = (program) => {
  program.command('monitoring')
    .description('each primary estimand\'s monitoring state, boundary and conditional power as of a date')
    .option('--as-of <date>', 'YYYY-MM-DD (default: today); looks at cutoffs on or before it', cutoffDateArgument)
    .option('--json', 'JSON output')
    .action(async (options: { asOf?: string; json?: boolean }) => {
      const asOf = options.asOf ?? new Date().toISOString().slice(0, 10);
      const report = await withDatabase(loadEnv(), (db) => monitoringReport(db, asOf));
      if (options.json) {
        console.log(JSON.stringify(report, null, 2));
        return;
      }
      const rows = report.map(cells);
      const widths = HEAD.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
      const line = (r: readonly string[]) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
      console.log(`monitoring as of ${asOf}`);
      console.log(line(HEAD));
      for (const r of rows) console.log(line(r));
    });
};
