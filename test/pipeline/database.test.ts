import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase } from '../helpers/db.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';

describe('pipeline database', () => {
  let t: TestDatabase;
  beforeAll(async () => { t = await createTestDatabase('database'); });
  afterAll(async () => { await t.drop(); });

  it('is cloned already migrated, so migrating again applies nothing', async () => {
    expect(await migrateToLatest(t.db)).toEqual([]);
  });

  it('reads DATE as the calendar text and int8 as a number, whatever the session time zone', async () => {
    await sql`set time zone 'America/Los_Angeles'`.execute(t.db);
    await t.db.insertInto('follow_up_events').values({
      event_id: 'e1', patient_id: 'p1', type: 'death', occurred_on: '2020-02-29',
      reported_at: '2020-03-01T01:00:00+09:00', centre: null, payload: JSON.stringify({ eventId: 'e1' }), payload_hash: 'h',
    }).execute();
    const row = await t.db.selectFrom('follow_up_events').select(['occurred_on', 'reported_at']).executeTakeFirstOrThrow();
    expect(row.occurred_on).toBe('2020-02-29');
    expect(row.reported_at.toISOString()).toBe('2020-02-29T16:00:00.000Z');
    const { count } = await t.db.selectFrom('follow_up_events').select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
    expect(count).toBe(1);
  });

  it('keeps eventId unique in the event log', async () => {
    const again = t.db.insertInto('follow_up_events').values({
      event_id: 'e1', patient_id: 'p2', type: 'death', occurred_on: '2020-03-01',
      reported_at: '2020-03-02T00:00:00Z', centre: null, payload: '{}', payload_hash: 'other',
    }).execute();
    await expect(again).rejects.toThrow(/duplicate key/);
  });

  it('keeps each patient\'s event count and id-hash sum equal to the log\'s through inserts, updates, deletes and truncate', async () => {
    const fromLog = async () => (await sql<{ patient_id: string; event_count: number; id_hash: number }>`
      select patient_id, count(*)::int4 as event_count, sum(hashtext(event_id))::int8 as id_hash
      from follow_up_events group by patient_id order by patient_id`.execute(t.db)).rows;
    const kept = () => t.db.selectFrom('patient_event_counts').select(['patient_id', 'event_count', 'id_hash']).orderBy('patient_id').execute();
    const event = (id: string, patient: string) => ({
      event_id: id, patient_id: patient, type: 'last_contact', occurred_on: '2020-01-01',
      reported_at: '2020-01-02T00:00:00Z', centre: null, payload: '{}', payload_hash: id,
    });
    await t.db.insertInto('follow_up_events').values([event('c1', 'pa'), event('c2', 'pa'), event('c3', 'pb')]).execute();
    await t.db.insertInto('follow_up_events').values([event('c3', 'pb'), event('c4', 'pb')]).onConflict((oc) => oc.doNothing()).execute();
    expect((await kept()).find((r) => r.patient_id === 'pb')?.event_count).toBe(2);
    expect(await kept()).toEqual(await fromLog());
    await t.db.updateTable('follow_up_events').set({ patient_id: 'pc' }).where('event_id', 'in', ['c1', 'c4']).execute();
    await t.db.updateTable('follow_up_events').set({ event_id: 'c2-renamed' }).where('event_id', '=', 'c2').execute();
    expect(await kept()).toEqual(await fromLog());
    await t.db.deleteFrom('follow_up_events').where('patient_id', '=', 'pa').execute();
    expect((await kept()).map((r) => r.patient_id)).not.toContain('pa');
    expect(await kept()).toEqual(await fromLog());
    await sql`truncate follow_up_events cascade`.execute(t.db);
    expect(await kept()).toEqual([]);
  });
});
