import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/db.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { startTestWorker } from './support/runQueue.ts';
import type { JobData, TestWorker } from './support/runQueue.ts';
import { pipelineSnapshot } from './support/snapshot.ts';
import { trickyPatient } from './support/streams.ts';
import type { RawEvent } from './support/streams.ts';

const [registration, correction, , , dp] = trickyPatient('p-1');

function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

describe('rejected events', () => {
  let t: TestDatabase;
  let worker: TestWorker;
  beforeAll(async () => {
    t = await createTestDatabase('rejection');
    worker = await startTestWorker(t.url);
    await worker.deliver([registration, dp]);
  });
  afterAll(async () => {
    await worker.stop();
    await t.drop();
  });

  it('rejects hostile input with a reason each, changes nothing else, and keeps going', async () => {
    const before = await pipelineSnapshot(t.db);
    const hostile: JobData[] = [
      { ...dp, eventId: 'sql-1', patientId: "p-1'; drop table patients; --" },
      { ...dp, eventId: "x'); delete from follow_up_events; --" },
      { ...dp, eventId: 'huge-1', centre: 'C'.repeat(1024 * 1024) },
      { ...dp, eventId: 'deep-1', sites: nested(1000) },
      { ...dp, eventId: 'unknown-1', severity: 'high' },
      { ...registration, eventId: 'types-1', baseline: { ...(registration.baseline as Record<string, unknown>), ageAtPtr: '52' } },
      { ...dp, eventId: 'types-2', occurredOn: 20170203 },
      { ...dp, eventId: 'date-1', occurredOn: '2017-02-29' },
      { eventId: 'not-an-event', type: 42 },
    ];
    await worker.deliver(hostile);
    // The worker is still consuming: a valid event after the hostile ones is applied.
    await worker.deliver([correction]);

    const after = await pipelineSnapshot(t.db);
    expect(after.eventIds).toEqual([...before.eventIds, correction.eventId].sort());
    expect(after.timelines).toEqual(before.timelines.map((row) => ({ ...row, event_count: 3 })));
    const reasons = new Map(after.rejected.map((r) => [r.event_id, r.reason]));
    expect(after.rejected).toHaveLength(hostile.length);
    expect(reasons.get('sql-1')).toMatch(/^patientId/);
    expect(reasons.get(null)).toMatch(/^eventId/); // the SQL-laden eventId is not usable, so not echoed as an id
    expect(reasons.get('huge-1')).toMatch(/byte limit/);
    expect(reasons.get('deep-1')).toMatch(/deeper than/);
    expect(reasons.get('unknown-1')).toMatch(/unknown field "severity"/);
    expect(reasons.get('types-1')).toMatch(/ageAtPtr/);
    expect(reasons.get('types-2')).toMatch(/occurredOn/);
    expect(reasons.get('date-1')).toBe('occurredOn 2017-02-29 is not a calendar date');
    expect(reasons.get('not-an-event')).toMatch(/type/);
    const huge = await t.db.selectFrom('rejected_events').select(['payload', 'raw_excerpt', 'payload_bytes']).where('event_id', '=', 'huge-1').executeTakeFirstOrThrow();
    expect(huge.payload).toBeNull();
    expect(huge.raw_excerpt?.length).toBe(512);
    expect(huge.payload_bytes).toBeGreaterThan(1024 * 1024);
  });

  it('records a redelivered rejection once', async () => {
    const rejectedBefore = (await pipelineSnapshot(t.db)).rejected.length;
    await worker.deliver([{ ...dp, eventId: 'unknown-1', severity: 'high' }]);
    expect((await pipelineSnapshot(t.db)).rejected).toHaveLength(rejectedBefore);
  });

  it('rejects the same eventId with another payload as a conflict; the first payload stands', async () => {
    const first: RawEvent = { eventId: 'death-1', patientId: 'p-1', type: 'death', occurredOn: '2018-07-07', reportedAt: '2018-07-09T10:00:00Z' };
    await worker.deliver([first]);
    const timeline = await t.db.selectFrom('timelines').selectAll().where('patient_id', '=', 'p-1').executeTakeFirstOrThrow();
    await worker.deliver([{ ...first, occurredOn: '2018-01-01' }]);
    await worker.deliver([first]); // a true redelivery of the first stays a no-op

    const stored = await t.db.selectFrom('follow_up_events').select('payload').where('event_id', '=', 'death-1').executeTakeFirstOrThrow();
    expect(stored.payload).toMatchObject({ occurredOn: '2018-07-07' });
    const conflicts = await t.db.selectFrom('rejected_events').selectAll().where('kind', '=', 'conflict').execute();
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ event_id: 'death-1', patient_id: 'p-1' });
    expect(conflicts[0].reason).toBe('eventId death-1 was already stored with a different payload; the first one stands');
    expect(await t.db.selectFrom('timelines').selectAll().where('patient_id', '=', 'p-1').executeTakeFirstOrThrow())
      .toEqual(timeline);
    expect(timeline).toMatchObject({ os_status: 1, os_days: 1274 });
  });

  it('serves /healthz and Prometheus /metrics with the counters of what it did', async () => {
    const base = `http://127.0.0.1:${worker.service.opsPort ?? 0}`;
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', database: 'ok', redis: 'ok', worker: 'ok' });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^cohortwatch_events_applied_total\{type="registration"\} 2$/m);
    expect(metrics).toMatch(/^cohortwatch_events_applied_total\{type="death"\} 1$/m);
    expect(metrics).toMatch(/^cohortwatch_events_rejected_total\{kind="invalid"\} 10$/m);
    expect(metrics).toMatch(/^cohortwatch_events_rejected_total\{kind="conflict"\} 1$/m);
    expect(metrics).toMatch(/^cohortwatch_events_duplicate_total 1$/m);
    expect(metrics).toMatch(/^cohortwatch_queue_jobs\{queue="follow-up-events",state="waiting"\} 0$/m);
    expect(metrics).toMatch(/^cohortwatch_event_apply_seconds_count \d+$/m);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });
});
