// BullMQ's PostgreSQL backend as the demo's queue store, so the demo needs no Redis: the queues live
// in their own schema of the demo's database. BullMQ creates and upgrades that schema itself
// (runMigrations); we run it once up front, on one dedicated connection as BullMQ requires, so that a
// too-old server or a failed migration stops the demo with one clear message before anything starts.
import pg from 'pg';
import { runMigrations } from 'bullmq';
import type { PostgresQueueStore } from '../workers/queue.ts';

export class QueueStoreError extends Error {
  override name = 'QueueStoreError';
}

/** BullMQ's schema names must be plain identifiers (it quotes them itself). */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Creates (or upgrades) the BullMQ schema `schema` in the database at `connectionString`; with
 * `fresh`, drops it first so no job of an earlier run survives. Returns the store the queue module
 * builds queues and workers on.
 */
export async function preparePostgresQueueStore(connectionString: string, schema: string, options: { fresh: boolean; poolSize: number }): Promise<PostgresQueueStore> {
  if (!SCHEMA_NAME.test(schema)) throw new QueueStoreError(`queue schema "${schema}" must be a lower-case identifier`);
  const client = new pg.Client({ connectionString, application_name: 'cohortwatch-demo-bullmq-migrate' });
  await client.connect();
  try {
    if (options.fresh) await client.query(`drop schema if exists ${client.escapeIdentifier(schema)} cascade`);
    await runMigrations(client, schema);
  } catch (error) {
    throw new QueueStoreError(`BullMQ's PostgreSQL schema could not be prepared: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await client.end();
  }
  return { connectionString, schema, poolSize: options.poolSize };
}
