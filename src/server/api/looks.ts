// GET /api/v1/looks: the stored analysis runs, as on the dashboard's /looks page.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { countCell } from '../../reports/format.ts';
import { reportFile } from '../dashboard/dashboardData.ts';
import type { ServerConfig } from '../serverConfig.ts';

export async function apiLooks(db: Kysely<Database>, config: Pick<ServerConfig, 'smallCellMin' | 'reportsDir'>) {
  const runs = await db.selectFrom('analysis_runs as r')
    .select(['r.id', 'r.cutoff', 'r.look', 'r.plan_version', 'r.status', 'r.patients', 'r.started_at', 'r.finished_at',
      (eb) => eb.selectFrom('alerts as a').whereRef('a.run_id', '=', 'r.id').where('a.status', '=', 'fired').select(sql<number>`count(*)::int`.as('n')).as('fired')])
    .orderBy('r.cutoff', 'desc').orderBy('r.id', 'desc').execute();
  return runs.map((r) => ({
    runId: r.id, look: r.look, cutoff: r.cutoff, planVersion: r.plan_version, status: r.status,
    patients: r.patients === null ? null : countCell(r.patients, config.smallCellMin, 'patients'),
    alertsFired: r.fired ?? 0, startedAt: r.started_at.toISOString(), finishedAt: r.finished_at?.toISOString() ?? null,
    reports: {
      html: reportFile(config.reportsDir, r.cutoff, 'html') === null ? null : `/looks/${r.cutoff}/report.html`,
      pdf: reportFile(config.reportsDir, r.cutoff, 'pdf') === null ? null : `/looks/${r.cutoff}/report.pdf`,
    },
  }));
}
