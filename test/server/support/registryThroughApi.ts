// The way a registry feeds CohortWatch over HTTP, for the end-to-end test and the screenshot script:
// a simulated registry posted to /api/v1/events in NDJSON batches, then waiting until the worker has
// applied or rejected every queued event. No vitest here: plain Node, usable from scripts/.
import type { Kysely } from 'kysely';
import type { Database } from '../../../src/db/database.ts';
import { simulateEvents } from '../../../src/sim/index.ts';
import type { SimulationOptions } from '../../../src/sim/index.ts';

export interface PostSummary {
  posted: number;
  queued: number;
  duplicate: number;
  rejected: number;
  /** Event ids that were queued, to wait for. */
  queuedIds: string[];
}

export async function postRegistry(baseUrl: string, key: string, options: SimulationOptions, batchSize = 2000): Promise<PostSummary> {
  const events = [...simulateEvents(options)];
  const summary: PostSummary = { posted: 0, queued: 0, duplicate: 0, rejected: 0, queuedIds: [] };
  for (let i = 0; i < events.length; i += batchSize) {
    const batch = events.slice(i, i + batchSize);
    const response = await fetch(`${baseUrl}/api/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' },
      body: batch.map((e) => JSON.stringify(e)).join('\n') + '\n',
    });
    if (response.status !== 200) throw new Error(`POST /api/v1/events answered ${response.status}: ${await response.text()}`);
    const body = await response.json() as { results: { eventId: string | null; status: string }[] };
    for (const r of body.results) {
      summary.posted += 1;
      if (r.status === 'queued') {
        summary.queued += 1;
        if (r.eventId !== null) summary.queuedIds.push(r.eventId);
      } else if (r.status === 'duplicate') summary.duplicate += 1;
      else summary.rejected += 1;
    }
  }
  return summary;
}

/** Waits until every queued event is stored or rejected by the worker. */
export async function waitUntilApplied(db: Kysely<Database>, eventIds: readonly string[], timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stored = await db.selectFrom('follow_up_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rejected = await db.selectFrom('rejected_events').select((eb) => eb.fn.countAll<number>().as('n')).where('event_id', 'in', eventIds.length === 0 ? [''] : eventIds.slice(0, 30_000)).executeTakeFirstOrThrow();
    if (stored.n + rejected.n >= eventIds.length) return;
    if (Date.now() > deadline) throw new Error(`only ${stored.n + rejected.n} of ${eventIds.length} events applied after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
