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
});
