import type { Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import { loadAnalysisDataset } from '../db/analysisDataset.ts';
import type { PlanRow } from '../analysis/planRow.ts';
import { parseCutoff } from '../timeline/index.ts';

/**
 * The reanalysis' dataset: the pipeline's export as of the cutoff (end of that day, UTC), recomputed
 * from the event log. Typed as PlanRow[]: this is where the compiler checks AnalysisRow fits the plan.
 */
export function pipelineDataset(db: Kysely<Database>, cutoff: string): Promise<readonly PlanRow[]> {
  return loadAnalysisDataset(db, parseCutoff(cutoff));
}
