import { beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/db.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { pipelineSnapshot } from './support/snapshot.ts';
import type { PipelineSnapshot } from './support/snapshot.ts';
import { deliver } from './support/runQueue.ts';
import { shuffled, simulatedStream, trickyPatient } from './support/streams.ts';
import type { RawEvent } from './support/streams.ts';

// 15 simulated patients (~500 events, a few redelivered by the simulator itself), plus one patient
// with every out-of-order case.
const stream: RawEvent[] = [...simulatedStream(20261126, 15), ...trickyPatient()];
const uniqueEventIds = new Set(stream.map((event) => event.eventId)).size;

async function endState(batches: RawEvent[][], options?: { workers?: number; concurrency?: number }): Promise<PipelineSnapshot> {
  const t: TestDatabase = await createTestDatabase('delivery');
  try {
    await deliver(t.url, batches, options);
    return await pipelineSnapshot(t.db);
  } finally {
    await t.drop();
  }
}

describe('delivery through the queue', () => {
  let inOrder: PipelineSnapshot;
  beforeAll(async () => { inOrder = await endState([stream]); });

  it('applies every event of an in-order stream once', () => {
    expect(stream.length).toBeGreaterThan(500);
    expect(inOrder.eventIds).toHaveLength(uniqueEventIds);
    expect(inOrder.appliedTwice).toEqual([]);
    expect(inOrder.rejected).toEqual([]);
    expect(inOrder.patients).toHaveLength(16);
    expect(inOrder.timelines).toHaveLength(16);
  });

  it('derives the tricky patient from the whole set: correction, retraction, death', () => {
    const tricky = inOrder.timelines.find((row) => row.patient_id === 'tricky-1');
    expect(tricky).toMatchObject({
      registered: true, ptr_date: '2015-01-10', last_known_on: '2018-07-07',
      os_status: 1, os_days: 1274, pfs_status: 1, pfs_days: 755, lrr_status: 2, lrr_days: 1274, dp_status: 1, dp_days: 755,
    });
    expect((tricky?.conflicts as { kind: string }[]).map((c) => c.kind)).toEqual(['after_death']);
    const patient = inOrder.patients.find((row) => row.patient_id === 'tricky-1');
    expect(patient).toMatchObject({ registration_event_id: 'tricky-1-reg2', baseline: { tCategory: 'T3' } });
    expect(inOrder.baselineHistory.filter((row) => row.patient_id === 'tricky-1')).toHaveLength(2);
  });

  it('reaches the same state from a shuffled stream', async () => {
    expect(await endState([shuffled(stream, 7)])).toEqual(inOrder);
  });

  it('reaches the same state from a reversed stream', async () => {
    expect(await endState([[...stream].reverse()])).toEqual(inOrder);
  });

  it('reaches the same state when every event is delivered twice', async () => {
    expect(await endState([shuffled(stream, 11), shuffled(stream, 12)])).toEqual(inOrder);
  });

  it('reaches the same state with two and with four concurrent workers', async () => {
    expect(await endState([shuffled(stream, 3)], { workers: 2, concurrency: 8 })).toEqual(inOrder);
    expect(await endState([shuffled(stream, 4)], { workers: 4, concurrency: 8 })).toEqual(inOrder);
  });
});
