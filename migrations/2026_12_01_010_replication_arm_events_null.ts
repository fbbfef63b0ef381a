// The paper-replication rows (models 'univariate' and 'multivariate') were stored with 0 events in
// each arm although nothing computed those counts: a value nothing computed is null, never a
// plausible 0. Runs from now on store the real counts (events by arm among the rows each fit used,
// src/analysis/replication.ts); the earlier rows cannot be recounted here (the dataset of each look
// is not stored), so their counts become null, i.e. "not computed".
//
// Which rows: a computed replication row always has at least one event (a fit without events throws
// and the run stores a failed selection instead, with the population's events), so 0 in both arms
// marks exactly the rows written before the counts were computed. The columns were nullable from
// the start (migration 2026_11_26_100): no schema change.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    update analysis_estimates set events_port = null, events_no_port = null
    where model in ('univariate', 'multivariate') and events_port = 0 and events_no_port = 0`.execute(db);
}

// No down(): the 0s it replaced were never counts; putting them back would restore a false value.
