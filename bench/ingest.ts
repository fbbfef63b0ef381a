// npm run bench:ingest — 200,000 follow-up events for 10,000 patients (the calibrated simulator,
// seeded) through the real BullMQ queue into PostgreSQL by `cohortwatch worker` processes: events/s
// end to end, p50/p99 enqueue-to-applied latency, peak RSS of the workers; and, in the same run on
// the same Redis, the rate of BullMQ with a no-op processor under the same producer and workers.
//
// Both phases are measured the same way: the producer enqueues as fast as it can while the workers
// consume; the rate is events / (drained − first enqueue). Uses its own database and key prefix and
// removes both at the end. Settings: BENCH_EVENTS, BENCH_PATIENTS, BENCH_WORKERS, BENCH_CONCURRENCY.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { pino } from 'pino';
import { eventJobId } from '../src/contract/index.ts';
import { connect } from '../src/db/connect.ts';
import { ensureDatabase, migrateToLatest } from '../src/db/migrate.ts';
import { simulateEvents } from '../src/sim/index.ts';
import { createFollowUpQueue, createFollowUpWorker } from '../src/workers/queue.ts';
import type { FollowUpQueue, QueueConfig } from '../src/workers/queue.ts';
import { deleteKeysWithPrefix } from '../test/helpers/redis.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const PATIENTS = Number(process.env.BENCH_PATIENTS ?? 10_000);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const SEED = 20261126;
const BATCH = 1000;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SERVER_URL = process.env.BENCH_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432/postgres';

type Event = Record<string, unknown> & { eventId: string; type: string };

// A no-op worker process (same queue module, same connection settings) for the baseline.
if (process.argv[2] === '--noop-worker') {
  const config: QueueConfig = { redisUrl: REDIS_URL, prefix: process.argv[3], attempts: 1, backoffMs: 1000 };
  const worker = createFollowUpWorker(config, () => Promise.resolve(), { concurrency: CONCURRENCY, lifecycle: { logger: pino({ level: 'silent' }), shutdownTimeoutMs: 10_000 } });
  process.once('SIGTERM', () => { void worker.close().then(() => process.exit(0)); });
} else {
  await main();
}

function generate(): Event[] {
  const events: Event[] = [];
  for (const event of simulateEvents({ seed: SEED, patients: PATIENTS })) {
    events.push({ ...event });
    if (events.length === EVENTS) break;
  }
  return events;
}

function peakRssMb(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
  return kb === undefined ? NaN : Number(kb) / 1024;
}

async function stopAll(children: ChildProcess[]): Promise<void> {
  await Promise.all(children.map((child) => new Promise((resolve) => {
    if (child.exitCode !== null) { resolve(null); return; }
    child.once('exit', resolve);
    child.kill('SIGTERM');
  })));
}

/** Enqueues every event in batches while the workers run; resolves with per-event enqueue times. */
async function produce(queue: FollowUpQueue, events: readonly Event[]): Promise<Map<string, number>> {
  const enqueuedAt = new Map<string, number>();
  for (let i = 0; i < events.length; i += BATCH) {
    const batch = events.slice(i, i + BATCH);
    const now = Date.now();
    await queue.addBulk(batch.map((event) => ({ name: event.type, data: event, opts: { jobId: eventJobId(event.eventId) } })));
    for (const event of batch) if (!enqueuedAt.has(event.eventId)) enqueuedAt.set(event.eventId, now);
  }
  return enqueuedAt;
}

async function drained(queue: FollowUpQueue): Promise<number> {
  for (;;) {
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    if (Object.values(counts).every((n) => n === 0)) return Date.now();
    await sleep(100);
  }
}

async function phase(label: string, prefix: string, events: readonly Event[], spawnWorker: () => ChildProcess) {
  const config: QueueConfig = { redisUrl: REDIS_URL, prefix, attempts: 10, backoffMs: 1000 };
  const queue = createFollowUpQueue(config);
  const workers = Array.from({ length: WORKERS }, spawnWorker);
  await sleep(3000); // let the worker processes start (tsx compile, connections)
  const started = Date.now();
  const enqueuedAt = await produce(queue, events);
  const enqueueSeconds = (Date.now() - started) / 1000;
  const finished = await drained(queue);
  const rss = workers.map((w) => peakRssMb(w.pid));
  await stopAll(workers);
  await queue.close();
  const seconds = (finished - started) / 1000;
  console.log(`${label}: ${events.length} jobs in ${seconds.toFixed(1)} s = ${(events.length / seconds).toFixed(0)} jobs/s (enqueue alone ${(events.length / enqueueSeconds).toFixed(0)} jobs/s)`);
  return { seconds, rate: events.length / seconds, enqueuedAt, rss };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function main(): Promise<void> {
  const id = `${process.pid}_${Date.now().toString(36)}`;
  const database = new URL(SERVER_URL);
  database.pathname = `/bench_ingest_${id}`;
  const noopPrefix = `bench-noop-${id}`;
  const pipelinePrefix = `bench-ingest-${id}`;
  console.log(`bench:ingest  ${EVENTS} events, ${PATIENTS} patients, ${WORKERS} worker process(es) x concurrency ${CONCURRENCY}, seed ${SEED}`);
  const events = generate();
  console.log(`generated ${events.length} events (${new Set(events.map((e) => e.eventId)).size} distinct eventIds)`);

  await ensureDatabase(database.toString());
  const db = connect(database.toString());
  try {
    await migrateToLatest(db);
    const noop = await phase('no-op processor', noopPrefix, events, () =>
      spawn(process.execPath, ['--import', 'tsx', 'bench/ingest.ts', '--noop-worker', noopPrefix], { stdio: 'inherit' }));

    const pipeline = await phase('end to end     ', pipelinePrefix, events, () =>
      spawn(process.execPath, ['bin/cohortwatch.js', 'worker'], {
        stdio: 'inherit',
        env: {
          ...process.env, DATABASE_URL: database.toString(), REDIS_URL, QUEUE_PREFIX: pipelinePrefix, METRICS_PORT: '0',
          LOG_LEVEL: 'warn', WORKER_CONCURRENCY: String(CONCURRENCY),
        },
      }));

    const applied = await db.selectFrom('follow_up_events').select(['event_id', 'received_at']).execute();
    const latencies = applied
      .map((row) => row.received_at.getTime() - (pipeline.enqueuedAt.get(row.event_id) ?? NaN))
      .filter((ms) => Number.isFinite(ms))
      .sort((a, b) => a - b);
    const timelines = await db.selectFrom('timelines').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    console.log(`applied ${applied.length} distinct events, ${timelines.n} patient timelines`);
    console.log(`enqueue-to-applied latency: p50 ${percentile(latencies, 0.5)} ms, p99 ${percentile(latencies, 0.99)} ms`);
    console.log(`peak RSS per worker process: ${pipeline.rss.map((mb) => `${mb.toFixed(0)} MB`).join(', ')}`);
    console.log(`end-to-end / no-op = ${(pipeline.rate / noop.rate).toFixed(2)} (target >= 0.5)`);
  } finally {
    await db.destroy();
    const admin = new pg.Client({ connectionString: SERVER_URL });
    await admin.connect();
    await admin.query(`drop database if exists ${admin.escapeIdentifier(database.pathname.slice(1))} with (force)`);
    await admin.end();
    await deleteKeysWithPrefix(REDIS_URL, noopPrefix);
    await deleteKeysWithPrefix(REDIS_URL, pipelinePrefix);
  }
}
