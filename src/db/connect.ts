// One place decides how PostgreSQL values become JS values, per pool (no global pg.types mutation,
// so other libraries in the process keep pg's defaults):
// - DATE (oid 1082) stays the 'YYYY-MM-DD' text: pg's default builds a Date at local midnight, which
//   shifts clinical dates by a day in any zone west of UTC.
// - int8 (oid 20) becomes a number: our int8 values are bigserial ids and counts, far below 2^53.
// - timestamptz stays pg's Date.
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { Database } from './database.ts';

const DATE_OID = 1082;
const INT8_OID = 20;

const typeParsers = new pg.TypeOverrides();
typeParsers.setTypeParser(DATE_OID, (value: string) => value);
typeParsers.setTypeParser(INT8_OID, (value: string) => Number(value));

export interface ConnectOptions {
  /** Pool size; a worker needs at least its job concurrency. Default 10. */
  poolSize?: number;
  /** Application name shown in pg_stat_activity. */
  applicationName?: string;
  /**
   * Turn PostgreSQL's JIT compilation off for this pool's sessions. For short statements whose
   * estimated cost crosses jit_above_cost (the worker's per-batch load of the touched patients,
   * estimated from a per-patient row count far above the real one), compiling costs more than the
   * statement itself: measured 3.6-4.9 ms of JIT per execution of a 15-30 ms statement.
   */
  noJit?: boolean;
}

/** Opens a Kysely instance on its own pg Pool; call `db.destroy()` to close it. */
export function connect(databaseUrl: string, options: ConnectOptions = {}): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.poolSize ?? 10,
    application_name: options.applicationName ?? 'cohortwatch',
    types: typeParsers,
    ...(options.noJit ? { options: '-c jit=off' } : {}),
  });
  // A client losing its server (PostgreSQL restart) emits 'error': on the pool while idle, on the
  // client itself while checked out between two statements of a transaction. Unheard, either would
  // crash the process; heard, the next query on that client fails and the job is retried.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => { client.on('error', () => undefined); });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
