// The audit trail of a rebuild: a patient's first timeline is recorded whole, every later change by
// exactly the columns that changed, with their values before and after.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyEvent } from '../../src/workers/applyEvent.ts';
import { createTestDatabase } from '../helpers/db.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { trickyPatient } from './support/streams.ts';

const NOW = new Date('2024-06-30T00:00:00Z');

describe('timeline_changed audit rows', () => {
  let t: TestDatabase;
  beforeAll(async () => { t = await createTestDatabase('audit'); });
  afterAll(async () => { await t.drop(); });

  const changes = () => t.db.selectFrom('audit_log').select(['event_id', 'before', 'after'])
    .where('action', '=', 'timeline_changed').orderBy('id').execute();

  it('records the first timeline whole, then only the changed columns before and after', async () => {
    const [registration, , , , , death] = trickyPatient('audit-1');
    await applyEvent(t.db, registration, NOW);
    await applyEvent(t.db, death, NOW);
    const [first, second] = await changes();

    expect(first.event_id).toBe('audit-1-reg');
    expect(first.before).toBeNull();
    expect(first.after).toMatchObject({ registered: true, ptr_date: '2015-01-10', os_status: 0, event_count: 1, conflicts: [] });

    const stored = await t.db.selectFrom('timelines').selectAll().where('patient_id', '=', 'audit-1').executeTakeFirstOrThrow();
    expect(second.event_id).toBe('audit-1-death');
    // Death on 2018-07-07: an OS and a PFS event at that date, and a competing event (2) for LRR and DP.
    expect(Object.keys(second.after ?? {}).sort()).toEqual(Object.keys(second.before ?? {}).sort());
    expect(second.after).toEqual({
      last_known_on: '2018-07-07', os_days: stored.os_days, os_status: 1, pfs_days: stored.pfs_days, pfs_status: 1,
      lrr_days: stored.lrr_days, lrr_status: 2, dp_days: stored.dp_days, dp_status: 2, event_count: 2,
    });
    expect(second.before).toMatchObject({ os_status: 0, pfs_status: 0, event_count: 1 });
    expect(second.before).not.toHaveProperty('ptr_date');
    expect(second.before).not.toHaveProperty('conflicts');
  });
});
