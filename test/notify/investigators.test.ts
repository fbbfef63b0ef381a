import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { addInvestigator, InvestigatorInputError, listInvestigators, removeInvestigator, subscribersOf } from '../../src/notify/investigators.ts';
import * as migration from '../../migrations/2026_11_30_050_rejection_codes_and_investigator_email.ts';
import { createTestDatabase } from '../helpers/db.ts';
import type { TestDatabase } from '../helpers/db.ts';

describe('investigator addresses are case-insensitive: one person, one row', () => {
  let t: TestDatabase;
  beforeAll(async () => { t = await createTestDatabase('investigators_case'); });
  afterAll(() => t.drop());

  it('adding the same address in another case updates the one row', async () => {
    await addInvestigator(t.db, 'Ana.Kim@Example.org', 'Ana', [{ population: 'group1', endpoint: '*' }]);
    await addInvestigator(t.db, 'ana.kim@example.ORG', 'Ana Kim', [{ population: 'group2', endpoint: 'os' }]);
    const people = await listInvestigators(t.db);
    expect(people).toHaveLength(1);
    expect(people[0]).toMatchObject({ email: 'ana.kim@example.org', name: 'Ana Kim', subscriptions: [{ population: 'group2', endpoint: 'os' }] });
    expect(await subscribersOf(t.db, 'group2', 'os')).toEqual(['ana.kim@example.org']);
    expect(await removeInvestigator(t.db, 'ANA.KIM@example.org')).toBe(true);
    expect(await listInvestigators(t.db)).toEqual([]);
  });

  it('accepts what a dashboard account accepts (user@localhost) and refuses a header-splitting address, storing nothing', async () => {
    const ops = await addInvestigator(t.db, 'Ops@LocalHost', 'Ops', [{ population: '*', endpoint: '*' }]);
    expect(ops.email).toBe('ops@localhost');
    await expect(addInvestigator(t.db, 'a@example.org, b@example.org', 'Two', [])).rejects.toThrow(InvestigatorInputError);
    expect((await listInvestigators(t.db)).map((p) => p.email)).toEqual(['ops@localhost']);
    expect(await removeInvestigator(t.db, 'ops@localhost')).toBe(true);
  });

  it('the database refuses a second row differing only in case', async () => {
    await t.db.insertInto('investigators').values({ email: 'bo@example.org', name: 'Bo' }).execute();
    await expect(t.db.insertInto('investigators').values({ email: 'BO@example.org', name: 'Bo' }).execute()).rejects.toThrow();
    await t.db.deleteFrom('investigators').execute();
  });

  it('the migration merges existing duplicates into the oldest row, uniting their subscriptions', async () => {
    const db = t.db as unknown as Kysely<unknown>;
    await migration.down(db);
    const first = await t.db.insertInto('investigators').values({ email: 'Cy@Example.org', name: 'Cy' }).returning('id').executeTakeFirstOrThrow();
    const second = await t.db.insertInto('investigators').values({ email: 'cy@example.org', name: 'Cy again' }).returning('id').executeTakeFirstOrThrow();
    await t.db.insertInto('subscriptions').values([
      { investigator_id: first.id, population: 'group1', endpoint: 'os' },
      { investigator_id: second.id, population: 'group3', endpoint: '*' },
    ]).execute();
    await migration.up(db);
    const people = await listInvestigators(t.db);
    expect(people).toEqual([{ id: first.id, email: 'cy@example.org', name: 'Cy', subscriptions: [{ population: 'group1', endpoint: 'os' }, { population: 'group3', endpoint: '*' }] }]);
  });
});
