import type { Kysely } from 'kysely';
import { canonicalEmailAddress } from '../contract/emailAddress.ts';
import type { Database } from '../db/database.ts';

const POPULATIONS = ['all', 'group1', 'group2', 'group3', '*'] as const;
const ENDPOINTS = ['os', 'pfs', 'lrr', 'dp', '*'] as const;

export interface Subscription {
  readonly population: string;
  readonly endpoint: string;
}

export interface Investigator {
  readonly id: number;
  readonly email: string;
  readonly name: string;
  readonly subscriptions: Subscription[];
}

export class InvestigatorInputError extends Error {
  override name = 'InvestigatorInputError';
}

/** Parses "group1:os,group2:*" (population:endpoint pairs, '*' for all); empty means everything. */
export function parseSubscriptions(spec: string | undefined): Subscription[] {
  if (spec === undefined || spec.trim() === '') return [{ population: '*', endpoint: '*' }];
  return spec.split(',').map((part) => {
    const [population = '', endpoint = '*'] = part.trim().split(':');
    if (!(POPULATIONS as readonly string[]).includes(population)) {
      throw new InvestigatorInputError(`unknown population "${population}" (use ${POPULATIONS.join(', ')})`);
    }
    if (!(ENDPOINTS as readonly string[]).includes(endpoint)) {
      throw new InvestigatorInputError(`unknown endpoint "${endpoint}" (use ${ENDPOINTS.join(', ')})`);
    }
    return { population, endpoint };
  });
}

/** Addresses are case-insensitive (one person, one row): stored and looked up lower-cased. */
export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

export async function addInvestigator(db: Kysely<Database>, rawEmail: string, name: string, subscriptions: Subscription[]): Promise<Investigator> {
  // The same address rule as dashboard accounts and signal actions (src/contract/emailAddress.ts), so
  // an investigator who subscribes can also log in and act on the signals mailed to them.
  const email = canonicalEmailAddress(rawEmail);
  if (email === null) throw new InvestigatorInputError(`invalid e-mail address "${rawEmail}"`);
  if (name.trim() === '' || name.length > 200) throw new InvestigatorInputError('name must be 1-200 characters');
  return db.transaction().execute(async (trx) => {
    const row = await trx.insertInto('investigators').values({ email, name: name.trim() })
      .onConflict((oc) => oc.column('email').doUpdateSet({ name: name.trim() }))
      .returning(['id', 'email', 'name']).executeTakeFirstOrThrow();
    await trx.deleteFrom('subscriptions').where('investigator_id', '=', row.id).execute();
    await trx.insertInto('subscriptions')
      .values(subscriptions.map((s) => ({ investigator_id: row.id, population: s.population, endpoint: s.endpoint })))
      .onConflict((oc) => oc.doNothing()).execute();
    return { ...row, subscriptions };
  });
}

export async function listInvestigators(db: Kysely<Database>): Promise<Investigator[]> {
  const people = await db.selectFrom('investigators').select(['id', 'email', 'name']).orderBy('email').execute();
  const subs = await db.selectFrom('subscriptions').selectAll().orderBy('population').orderBy('endpoint').execute();
  return people.map((p) => ({
    ...p,
    subscriptions: subs.filter((s) => s.investigator_id === p.id).map((s) => ({ population: s.population, endpoint: s.endpoint })),
  }));
}

/** Removes an investigator (and their subscriptions); false when there was none with that address. */
export async function removeInvestigator(db: Kysely<Database>, email: string): Promise<boolean> {
  const result = await db.deleteFrom('investigators').where('email', '=', normaliseEmail(email)).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Recipients subscribed to an estimand. */
export async function subscribersOf(db: Kysely<Database>, population: string, endpoint: string): Promise<string[]> {
  const rows = await db.selectFrom('investigators')
    .innerJoin('subscriptions', 'subscriptions.investigator_id', 'investigators.id')
    .where((eb) => eb.and([
      eb.or([eb('subscriptions.population', '=', population), eb('subscriptions.population', '=', '*')]),
      eb.or([eb('subscriptions.endpoint', '=', endpoint), eb('subscriptions.endpoint', '=', '*')]),
    ]))
    .select('investigators.email').distinct().orderBy('investigators.email').execute();
  return rows.map((r) => r.email);
}
