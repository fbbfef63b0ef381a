// The demo's investigators: a principal investigator who follows everything, and two who follow one
// subgroup each, so the caught mail shows subscriptions at work.
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import { addInvestigator, parseSubscriptions } from '../notify/investigators.ts';

export const DEMO_INVESTIGATORS: readonly { email: string; name: string; subscriptions: string }[] = [
  { email: 'pi@registry.example', name: 'Principal investigator (demo)', subscriptions: '*:*' },
  { email: 'group1.lead@registry.example', name: 'Group 1 lead, T1/2 non-TNBC (demo)', subscriptions: 'group1:*' },
  { email: 'tnbc.lead@registry.example', name: 'TNBC lead (demo)', subscriptions: 'group3:os,group3:pfs' },
];

export async function registerDemoInvestigators(db: Kysely<Database>): Promise<number> {
  for (const person of DEMO_INVESTIGATORS) {
    await addInvestigator(db, person.email, person.name, parseSubscriptions(person.subscriptions));
  }
  return DEMO_INVESTIGATORS.length;
}
