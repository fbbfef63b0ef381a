// The analysis dataset as of a cutoff, recomputed from the event log (never from the stored "now"
// timelines): one row per patient registered as of the cutoff, exactly the export's columns. Read
// patient by patient in pages, so memory stays flat for a large cohort.
import type { Kysely } from 'kysely';
import { toStoredEvent } from '../contract/index.ts';
import type { FollowUpEvent, StoredEvent } from '../contract/index.ts';
import { deriveTimeline, toAnalysisRow } from '../timeline/index.ts';
import type { AnalysisRow } from '../timeline/index.ts';
import type { Database } from './database.ts';

const PATIENTS_PER_PAGE = 500;

/** Analysis rows ordered by patientId, streamed a page of patients at a time. */
export async function* streamAnalysisRows(db: Kysely<Database>, cutoff: Date): AsyncGenerator<AnalysisRow> {
  let after = '';
  for (;;) {
    // Events reported after the cutoff can never count (deriveTimeline drops them first), so they
    // are not even read. Keyset pagination over patient ids.
    const page = await db.selectFrom('follow_up_events')
      .select('patient_id').distinct()
      .where('patient_id', '>', after)
      .where('reported_at', '<=', cutoff)
      .orderBy('patient_id')
      .limit(PATIENTS_PER_PAGE)
      .execute();
    if (page.length === 0) return;
    const ids = page.map((row) => row.patient_id);
    const rows = await db.selectFrom('follow_up_events')
      .select(['patient_id', 'payload'])
      .where('patient_id', 'in', ids)
      .where('reported_at', '<=', cutoff)
      .execute();
    const byPatient = new Map<string, StoredEvent[]>(ids.map((id) => [id, []]));
    // Payloads were validated before they were stored; the log holds nothing else.
    for (const row of rows) byPatient.get(row.patient_id)?.push(toStoredEvent(row.payload as unknown as FollowUpEvent));
    for (const [patientId, events] of byPatient) {
      const { timeline } = deriveTimeline(events, cutoff);
      if (timeline !== null) yield toAnalysisRow(patientId, timeline.centre, timeline);
    }
    after = ids[ids.length - 1];
  }
}

/** The whole dataset in memory (the reanalysis fits need it all at once). */
export async function loadAnalysisDataset(db: Kysely<Database>, cutoff: Date): Promise<AnalysisRow[]> {
  const rows: AnalysisRow[] = [];
  for await (const row of streamAnalysisRows(db, cutoff)) rows.push(row);
  return rows;
}
