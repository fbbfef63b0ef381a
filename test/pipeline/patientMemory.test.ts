// The worker's memory of recently rebuilt patients (patientEventCache.ts) never changes a result:
// events stored behind its back (another worker, a deletion) make it reload, and a run with the
// memory ends in the state of a run without it.
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { applyEvents } from '../../src/workers/applyEvent.ts';
import { createPatientEventCache } from '../../src/workers/patientEventCache.ts';
import { createTestDatabase } from '../helpers/db.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { pipelineSnapshot } from './support/snapshot.ts';
import { simulatedStream, trickyPatient } from './support/streams.ts';

const NOW = new Date('2024-06-30T00:00:00Z');
const databases: TestDatabase[] = [];
afterAll(async () => { for (const t of databases) await t.drop(); });

async function database(label: string): Promise<TestDatabase> {
  const t = await createTestDatabase(label);
  databases.push(t);
  return t;
}

describe('the worker memory of patients', () => {
  it('ends in the state of a run without it, with events stored behind its back and one deleted', async () => {
    const events = [...simulatedStream(3, 6), ...trickyPatient('memory-1')];
    const plain = await database('memory-plain');
    const remembered = await database('memory-cache');
    const memory = createPatientEventCache();
    // Batches of 7; every third batch goes through "another worker" (no memory).
    for (let i = 0, k = 0; i < events.length; i += 7, k++) {
      const batch = events.slice(i, i + 7);
      await applyEvents(plain.db, batch, NOW);
      await applyEvents(remembered.db, batch, NOW, k % 3 === 2 ? undefined : memory);
    }
    expect(await pipelineSnapshot(remembered.db)).toEqual(await pipelineSnapshot(plain.db));

    // An operator deletes a stored event of the tricky patient in both databases, then a new event
    // arrives: the count and id hashes no longer match the memory, so the patient is reloaded.
    const victim = 'memory-1-death';
    for (const t of [plain, remembered]) {
      await sql`delete from audit_log where event_id = ${victim}`.execute(t.db);
      await sql`delete from follow_up_events where event_id = ${victim}`.execute(t.db);
    }
    const late = { eventId: 'memory-1-contact', patientId: 'memory-1', type: 'last_contact', occurredOn: '2019-03-01', reportedAt: '2019-03-02T10:00:00Z' };
    const [plainOutcome] = await applyEvents(plain.db, [late], NOW);
    const [rememberedOutcome] = await applyEvents(remembered.db, [late], NOW, memory);
    expect(rememberedOutcome).toEqual(plainOutcome);
    expect(await pipelineSnapshot(remembered.db)).toEqual(await pipelineSnapshot(plain.db));
  }, 60_000);
});
