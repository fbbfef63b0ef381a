// npm run bench:ingest — what a user waits for: `cohortwatch ingest FILE --wait` (the whole process)
// into `cohortwatch worker` processes started with their default settings, against raw BullMQ on
// the same Redis in the same run: the same events enqueued with addBulk into worker processes with a
// no-op processor (same number of processes, same concurrency as the worker's default).
//
// Events: the calibrated simulator (seeded), its own redeliveries included. For each number of
// worker processes in BENCH_WORKERS (e.g. "1,2,4") both phases run on a fresh key prefix and
// database; the rate is events / wall time (no-op: first addBulk to queue drained; end to end: the
// ingest process from spawn to exit). Also printed: PostgreSQL commits, events per commit and the
// server's CPU per event (where one PostgreSQL becomes the limit), the load average. Settings: BENCH_EVENTS, BENCH_PATIENTS, BENCH_WORKERS,
// BENCH_ROUNDS, BENCH_ONLY=e2e (skip the raw phase while profiling), BENCH_NODE_ARGS.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import pg from 'pg';
import { pino } from 'pino';
import { eventJobId } from '../src/contract/index.ts';
import { loadEnv } from '../src/config/env.ts';
import { connect } from '../src/db/connect.ts';
import { ensureDatabase, migrateToLatest } from '../src/db/migrate.ts';
import { simulateEvents } from '../src/sim/index.ts';
import { createFollowUpQueue, createFollowUpWorker } from '../src/workers/queue.ts';
import type { FollowUpQueue, QueueConfig } from '../src/workers/queue.ts';
import { deleteKeysWithPrefix } from '../test/helpers/redis.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const PATIENTS = Number(process.env.BENCH_PATIENTS ?? 10_000);
const WORKER_COUNTS = (process.env.BENCH_WORKERS ?? '1').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2); // raw and end to end alternate; medians reported
const CONCURRENCY = loadEnv({}).WORKER_CONCURRENCY; // the worker's default, given to the no-op too
const SEED = 20261126;
const BATCH = 500; // what `ingest` sends per addBulk
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SERVER_URL = process.env.BENCH_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432/postgres';

type Event = Record<string, unknown> & { eventId: string; type: string };

function generate(): Event[] {
  const events: Event[] = [];
  for (const event of simulateEvents({ seed: SEED, patients: PATIENTS })) {
    events.push({ ...event });
    if (events.length === EVENTS) break;
  }
  return events;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const load = () => os.loadavg().map((n) => n.toFixed(1)).join(' ');

async function stopAll(children: ChildProcess[]): Promise<void> {
  await Promise.all(children.map((child) => new Promise((resolve) => {
    if (child.exitCode !== null) { resolve(null); return; }
    child.once('exit', resolve);
    child.kill('SIGTERM');
  })));
}

async function drained(queue: FollowUpQueue): Promise<number> {
  for (;;) {
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    if (Object.values(counts).every((n) => n === 0)) return Date.now();
    await sleep(50);
  }
}

/** CPU seconds (utime + stime) of a running process, from /proc; null once it has exited. */
function processCpuSeconds(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ
  } catch {
    return null;
  }
}

/**
 * Follows the CPU time of child processes (sampled every 100 ms, so a process that exits loses at
 * most its last 100 ms) and of the Redis server (INFO cpu: shared with whoever else uses it).
 */
function cpuMeter(children: () => readonly ChildProcess[]) {
  const last = new Map<number, number>();
  const sample = () => {
    for (const child of children()) {
      const cpu = processCpuSeconds(child.pid);
      if (cpu !== null && child.pid !== undefined) last.set(child.pid, cpu);
    }
  };
  const timer = setInterval(sample, 100);
  return {
    /** CPU seconds of the given children so far. */
    of(subset: readonly ChildProcess[]): number {
      sample();
      return subset.reduce((sum, child) => sum + (child.pid === undefined ? 0 : last.get(child.pid) ?? 0), 0);
    },
    stop: () => clearInterval(timer),
  };
}

async function redisCpuSeconds(): Promise<number> {
  const redis = new Redis(REDIS_URL);
  try {
    const info = await redis.info('cpu');
    const value = (name: string) => Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info)?.[1] ?? 0);
    return value('used_cpu_sys') + value('used_cpu_user');
  } finally {
    redis.disconnect();
  }
}

/**
 * BENCH_REDIS_STATS=1 (a private Redis only: it resets the server's statistics): the commands and
 * scripts that cost Redis the most in a phase.
 */
async function redisCommandStats(reset: boolean): Promise<string | null> {
  if (process.env.BENCH_REDIS_STATS !== '1') return null;
  const redis = new Redis(REDIS_URL);
  try {
    if (reset) { await redis.config('RESETSTAT'); return null; }
    const info = await redis.info('commandstats');
    const rows = [...info.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)].map((m) => ({ cmd: m[1], calls: Number(m[2]), usec: Number(m[3]) }));
    rows.sort((a, b) => b.usec - a.usec);
    return rows.slice(0, 8).map((r) => `${r.cmd} ${r.calls} calls ${(r.usec / 1e6).toFixed(1)} s`).join('; ');
  } finally {
    redis.disconnect();
  }
}

interface CpuFigures {
  /** Worker processes, summed. */
  workers: number;
  /** The producer: ingest (end to end) or this process' addBulk loop (raw). */
  producer: number;
  redis: number;
}

/** Raw BullMQ: addBulk in ingest's batches into no-op workers; seconds from first add to drained. */
async function noop(events: readonly Event[], workers: number, prefix: string): Promise<{ seconds: number; cpu: CpuFigures }> {
  const queue = createFollowUpQueue({ redisUrl: REDIS_URL, prefix, attempts: 10, backoffMs: 1000 });
  const children = Array.from({ length: workers }, () =>
    spawn(process.execPath, ['--import', 'tsx', 'bench/ingest.ts', '--noop-worker', prefix], { stdio: 'inherit' }));
  const meter = cpuMeter(() => children);
  await sleep(3000); // let the worker processes start (tsx compile, connections)
  const workersBefore = meter.of(children);
  const redisBefore = await redisCpuSeconds();
  await redisCommandStats(true);
  const selfBefore = process.cpuUsage();
  const started = Date.now();
  for (let i = 0; i < events.length; i += BATCH) {
    await queue.addBulk(events.slice(i, i + BATCH).map((event) => ({ name: event.type, data: event, opts: { jobId: eventJobId(event.eventId) } })));
  }
  const seconds = ((await drained(queue)) - started) / 1000;
  const self = process.cpuUsage(selfBefore);
  const cpu = { workers: meter.of(children) - workersBefore, producer: (self.user + self.system) / 1e6, redis: (await redisCpuSeconds()) - redisBefore };
  const stats = await redisCommandStats(false);
  if (stats !== null) console.log(`    Redis: ${stats}`);
  meter.stop();
  await stopAll(children);
  await queue.close();
  return { seconds, cpu };
}

const perEvent = (seconds: number, events: number) => `${(seconds * 1000 / events).toFixed(3)} ms/event`;

function cpuLine(cpu: CpuFigures, events: number, postgres?: number): string {
  const parts = [`worker processes ${cpu.workers.toFixed(1)} s (${perEvent(cpu.workers, events)})`,
    `producer ${cpu.producer.toFixed(1)} s (${perEvent(cpu.producer, events)})`,
    `Redis ${cpu.redis.toFixed(1)} s (${perEvent(cpu.redis, events)})`];
  if (postgres !== undefined) parts.push(`PostgreSQL ${postgres.toFixed(1)} s (${perEvent(postgres, events)})`);
  return `CPU: ${parts.join(', ')}`;
}

/** The node options of bin/cohortwatch.js's #! line (`#!/usr/bin/env -S node OPTIONS`). */
const SHEBANG_NODE_OPTIONS = readFileSync('bin/cohortwatch.js', 'utf8').split('\n')[0].replace(/^#!\/usr\/bin\/env (-S )?node ?/, '').split(' ').filter((a) => a !== '');

/**
 * Runs bin/cohortwatch.js as `npx cohortwatch` does (as an executable, so with the node options of its
 * #! line: the worker's young-generation size), which `node bin/cohortwatch.js` alone would not apply;
 * then `nodeArgs` (BENCH_NODE_ARGS, e.g. --cpu-prof, which NODE_OPTIONS does not take).
 */
function run(args: string[], env: NodeJS.ProcessEnv, stdio: 'inherit' | 'pipe' | 'ignore' = 'inherit', nodeArgs: readonly string[] = []): ChildProcess {
  return spawn(process.execPath, [...SHEBANG_NODE_OPTIONS, ...nodeArgs, 'bin/cohortwatch.js', ...args], { stdio: ['ignore', stdio, 'inherit'], env });
}

async function commits(admin: pg.Client, database: string): Promise<number> {
  const { rows } = await admin.query<{ n: string }>('select xact_commit as n from pg_stat_database where datname = $1', [database]);
  return Number(rows[0].n);
}

/**
 * CPU seconds the database's server processes used (utime + stime from /proc; the server runs on
 * this machine). The workers' connections live for the whole run, so this is the run's PostgreSQL CPU.
 */
async function backendCpuSeconds(admin: pg.Client, database: string): Promise<number> {
  const { rows } = await admin.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [database]);
  const ticksPerSecond = 100; // USER_HZ on Linux
  let ticks = 0;
  for (const { pid } of rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the backend exited meanwhile
    }
  }
  return ticks / ticksPerSecond;
}

/** `cohortwatch ingest FILE --wait` into `cohortwatch worker` processes (defaults). */
async function endToEnd(file: string, events: number, workers: number, prefix: string, admin: pg.Client) {
  const database = `bench_ingest_${prefix.replace(/-/g, '_')}`;
  const url = new URL(SERVER_URL);
  url.pathname = `/${database}`;
  await ensureDatabase(url.toString());
  const db = connect(url.toString());
  await migrateToLatest(db);
  // The worker's defaults: LOG_LEVEL info (a JSON line per job, to stdout, discarded here as a log
  // shipper would take it), WORKER_CONCURRENCY; only the metrics port is turned off.
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: url.toString(), REDIS_URL, QUEUE_PREFIX: prefix, METRICS_PORT: '0' };
  delete env.WORKER_CONCURRENCY;
  delete env.LOG_LEVEL;
  // BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"): node options of the worker and ingest processes.
  let stopping = false;
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
  const children = Array.from({ length: workers }, () => run(['worker'], env, 'ignore', nodeArgs));
  // A worker that dies would leave `ingest --wait` waiting for ever.
  for (const child of children) child.once('exit', (code) => { if (!stopping) { console.error(`a worker process exited (${code}) before the end`); process.exit(1); } });
  let ingest: ChildProcess | null = null;
  const meter = cpuMeter(() => (ingest === null ? children : [...children, ingest]));
  try {
    await sleep(3000);
    await admin.query('select pg_stat_clear_snapshot()');
    const commitsBefore = await commits(admin, database);
    const workersBefore = meter.of(children);
    const redisBefore = await redisCpuSeconds();
    await redisCommandStats(true);
    const started = Date.now();
    ingest = run(['ingest', file, '--wait'], env, 'pipe', nodeArgs);
    let summary = '';
    ingest.stdout?.on('data', (chunk: Buffer) => { summary += chunk.toString(); });
    const code = await new Promise<number | null>((resolve) => ingest?.once('exit', resolve));
    const seconds = (Date.now() - started) / 1000;
    const cpu = { workers: meter.of(children) - workersBefore, producer: meter.of([ingest]), redis: (await redisCpuSeconds()) - redisBefore };
    const stats = await redisCommandStats(false);
    if (stats !== null) console.log(`    Redis: ${stats}`);
    if (code !== 0) throw new Error(`ingest exited with ${code}`);
    await sleep(600); // pg_stat counters are flushed at most every 500 ms
    await admin.query('select pg_stat_clear_snapshot()');
    const commitCount = (await commits(admin, database)) - commitsBefore;
    const postgresCpu = await backendCpuSeconds(admin, database);
    const stored = await db.selectFrom('follow_up_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return { seconds, summary: summary.trim(), commits: commitCount, stored: stored.n, postgresCpu, cpu };
  } finally {
    stopping = true;
    meter.stop();
    await stopAll(children);
    await db.destroy();
    await admin.query(`drop database if exists ${admin.escapeIdentifier(database)} with (force)`);
  }
}

async function main(): Promise<void> {
  const id = `${process.pid}-${Date.now().toString(36)}`;
  console.log(`bench:ingest  ${EVENTS} events, ${PATIENTS} patients, worker processes ${WORKER_COUNTS.join(', ')} x concurrency ${CONCURRENCY} (the default), seed ${SEED}`);
  console.log(`load average at start: ${load()} (${os.cpus().length} cores)`);
  const events = generate();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cw-bench-ingest-'));
  const file = path.join(dir, 'events.ndjson');
  writeFileSync(file, `${events.map((e) => JSON.stringify(e)).join('\n')}\n`);
  console.log(`generated ${events.length} events (${new Set(events.map((e) => e.eventId)).size} distinct eventIds) in ${file}`);

  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  const prefixes: string[] = [];
  try {
    for (const workers of WORKER_COUNTS) {
      const rawRates: number[] = [];
      const e2eRates: number[] = [];
      console.log(`\n${workers} worker process(es) x ${CONCURRENCY}`);
      for (let round = 1; round <= ROUNDS; round++) {
        const noopPrefix = `bench-noop-${id}-${workers}-${round}`;
        const ingestPrefix = `bench-ingest-${id}-${workers}-${round}`;
        prefixes.push(noopPrefix, ingestPrefix);
        if (process.env.BENCH_ONLY !== 'e2e') {
          const { seconds: raw, cpu: rawCpu } = await noop(events, workers, noopPrefix);
          rawRates.push(events.length / raw);
          console.log(`  raw BullMQ, addBulk + no-op processor : ${raw.toFixed(1)} s = ${(events.length / raw).toFixed(0)} events/s   (load ${load()})`);
          console.log(`    ${cpuLine(rawCpu, events.length)}`);
        }
        const e2e = await endToEnd(file, events.length, workers, ingestPrefix, admin);
        e2eRates.push(events.length / e2e.seconds);
        console.log(`  cohortwatch ingest --wait + worker     : ${e2e.seconds.toFixed(1)} s = ${(events.length / e2e.seconds).toFixed(0)} events/s   (load ${load()})`);
        console.log(`    ${e2e.summary}`);
        console.log(`    stored ${e2e.stored} events in ${e2e.commits} PostgreSQL commits (${(e2e.commits / e2e.seconds).toFixed(1)} commits/s, ${(e2e.stored / Math.max(1, e2e.commits)).toFixed(1)} events/commit)`);
        console.log(`    ${cpuLine(e2e.cpu, events.length, e2e.postgresCpu)}`);
        if (rawRates.length === round) console.log(`    this round: end-to-end / raw BullMQ = ${(e2eRates[round - 1] / rawRates[round - 1]).toFixed(3)}`);
        console.log(`    PostgreSQL server CPU ${e2e.postgresCpu.toFixed(1)} s = ${(e2e.postgresCpu * 1000 / e2e.stored).toFixed(3)} ms per event (one core: ~${(e2e.stored / e2e.postgresCpu).toFixed(0)} events/s)`);
      }
      const rawRate = rawRates.length > 0 ? median(rawRates) : NaN;
      const e2eRate = median(e2eRates);
      // Three decimals and the verdict on the unrounded ratio: 0.4952 printed as "0.50" read as met.
      const ratio = e2eRate / rawRate;
      // The target is for the defaults a user gets: one worker process.
      const verdict = Number.isNaN(ratio) ? 'no raw phase' : workers !== 1 ? 'the target is for the default, one worker process' : ratio >= 0.5 ? 'met' : 'NOT met';
      console.log(`  median: raw ${rawRate.toFixed(0)} events/s, end to end ${e2eRate.toFixed(0)} events/s; end-to-end / raw BullMQ = ${ratio.toFixed(3)} (target >= 0.5: ${verdict})`);
    }
  } finally {
    await admin.end();
    for (const prefix of prefixes) await deleteKeysWithPrefix(REDIS_URL, prefix);
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\nload average at end: ${load()}`);
}

// A no-op worker process (same queue module, same connection settings) for the baseline.
if (process.argv[2] === '--noop-worker') {
  const config: QueueConfig = { redisUrl: REDIS_URL, prefix: process.argv[3], attempts: 1, backoffMs: 1000 };
  const worker = createFollowUpWorker(config, () => Promise.resolve(), { concurrency: CONCURRENCY, lifecycle: { logger: pino({ level: 'silent' }), shutdownTimeoutMs: 10_000 } });
  process.once('SIGTERM', () => { void worker.close().then(() => process.exit(0)); });
} else {
  await main();
}
