// npm run bench:serve — what a registry waits for when it posts events over HTTP: 50,000 simulated
// follow-up events POSTed to a real `serve` (PostgreSQL, Redis, over loopback HTTP) as NDJSON in
// batches of BENCH_BATCH (5,000), until every one is answered "queued"; beside it, in the same run,
// the same events put on the queue by raw BullMQ addBulk (what `cohortwatch ingest` does, without
// validation or duplicate checks). Then a second POST of the same events (all "duplicate": the
// retry a producer makes after a timeout). Own database and key prefixes, removed at the end.
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import pg from 'pg';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { eventJobId } from '../src/contract/index.ts';
import { connect } from '../src/db/connect.ts';
import { ensureDatabase, migrateToLatest } from '../src/db/migrate.ts';
import { buildServer } from '../src/server/buildServer.ts';
import { createApiKey } from '../src/server/security/apiKeys.ts';
import { healthCheck } from '../src/server/startServer.ts';
import { simulateEvents } from '../src/sim/index.ts';
import { createFollowUpQueue } from '../src/workers/queue.ts';
import { deleteKeysWithPrefix } from '../test/helpers/redis.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 50_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 5000);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SERVER_URL = process.env.BENCH_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const events: unknown[] = [];
for (const e of simulateEvents({ seed: 20261130, patients: Math.ceil(EVENTS / 25) })) {
  events.push(e);
  if (events.length === EVENTS) break;
}
const lines = events.map((e) => JSON.stringify(e));
const name = `cw_bench_serve_${randomBytes(4).toString('hex')}`;
const dbUrl = SERVER_URL.replace(/\/[^/]*$/, `/${name}`);
const prefixes = [`cw-bench-serve-${randomBytes(4).toString('hex')}`, `cw-bench-raw-${randomBytes(4).toString('hex')}`];
await ensureDatabase(dbUrl);
const db = connect(dbUrl, { poolSize: 10 });
const queue = createFollowUpQueue({ redisUrl: REDIS_URL, prefix: prefixes[0], attempts: 3, backoffMs: 100 });
const raw = createFollowUpQueue({ redisUrl: REDIS_URL, prefix: prefixes[1], attempts: 3, backoffMs: 100 });
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
try {
  await migrateToLatest(db);
  const app = await buildServer({
    db, queue, redis, logger: pino({ level: 'silent' }), health: healthCheck(db, queue),
    config: {
      sessionSecret: randomBytes(32).toString('hex'), sessionTtlMs: 3_600_000, cookieSecure: false, bodyLimitBytes: 64 * 1024 * 1024,
      apiRatePerMinute: 1_000_000, loginRatePerMinute: 10, reportsDir: undefined, trustProxy: false, smallCellMin: 11,
      rateLimitNamespace: `${prefixes[0]}:rate:`, enqueueTimeoutMs: 60_000,
    },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  const { key } = await createApiKey(db, 'bench', ['events:write']);

  const postAll = async () => {
    const counts: Record<string, number> = {};
    const started = performance.now();
    for (let i = 0; i < lines.length; i += BATCH) {
      const response = await fetch(`${base}/api/v1/events`, {
        method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' }, body: lines.slice(i, i + BATCH).join('\n'),
      });
      const body = await response.json() as { results: { status: string }[] };
      for (const r of body.results) counts[r.status] = (counts[r.status] ?? 0) + 1;
    }
    return { seconds: (performance.now() - started) / 1000, counts };
  };
  const first = await postAll();
  const rawStarted = performance.now();
  for (let i = 0; i < events.length; i += BATCH) {
    await raw.addBulk(events.slice(i, i + BATCH).map((e) => {
      const ev = e as { eventId: string; type: string };
      return { name: ev.type, data: e, opts: { jobId: eventJobId(ev.eventId) } };
    }));
  }
  const rawSeconds = (performance.now() - rawStarted) / 1000;
  const second = await postAll();
  await app.close();
  const rate = (s: number) => Math.round(events.length / s).toLocaleString('en-US');
  console.log(`serve ingest: ${events.length.toLocaleString('en-US')} events, batches of ${BATCH}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`POST /api/v1/events (validate, check duplicates, enqueue): ${first.seconds.toFixed(1)} s, ${rate(first.seconds)} events/s  ${JSON.stringify(first.counts)}`);
  console.log(`raw BullMQ addBulk (no validation):                       ${rawSeconds.toFixed(1)} s, ${rate(rawSeconds)} events/s`);
  console.log(`POST again (every event already queued):                   ${second.seconds.toFixed(1)} s, ${rate(second.seconds)} events/s  ${JSON.stringify(second.counts)}`);
} finally {
  await Promise.allSettled([queue.close(), raw.close()]);
  redis.disconnect();
  await db.destroy();
  for (const p of prefixes) await deleteKeysWithPrefix(REDIS_URL, p);
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  await admin.query(`drop database if exists ${admin.escapeIdentifier(name)} with (force)`);
  await admin.end();
}
