// The pipeline's commands end to end, as a newcomer runs them: migrate, worker, ingest --wait,
// export (csv, json), rejected, status.
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/db/connect.ts';
import { loadAnalysisDataset } from '../../src/db/analysisDataset.ts';
import { ANALYSIS_COLUMNS, parseCutoff } from '../../src/timeline/index.ts';
import { reserveTestDatabase } from '../helpers/db.ts';
import { testQueuePrefix } from '../helpers/redis.ts';
import { simulatedStream } from './support/streams.ts';

const execute = promisify(execFile);
const q = testQueuePrefix('cli');
const database = reserveTestDatabase('cli');
const env = { ...process.env, DATABASE_URL: database.url, REDIS_URL: q.redisUrl, QUEUE_PREFIX: q.prefix, METRICS_PORT: '0', LOG_LEVEL: 'warn' };
const dir = mkdtempSync(path.join(os.tmpdir(), 'cw-cli-'));

interface Run { code: number; stdout: string; stderr: string }
async function cli(...args: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await execute(process.execPath, ['bin/cohortwatch.js', ...args], { env, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const events = simulatedStream(77, 8);
const lines = events.map((e) => JSON.stringify(e));
const invalid = { ...events[1], eventId: 'cli-bad-date', occurredOn: '2011-02-30' };
lines.splice(3, 0, 'this is not json', '{"patientId":"P1","type":"death"}', JSON.stringify(invalid), lines[0]);
lines.push(JSON.stringify({ ...events[1], centre: 'C99' })); // events[1] again with another payload
const file = path.join(dir, 'events.ndjson');
writeFileSync(file, `${lines.join('\n')}\n`);
const uniqueEvents = new Set(events.map((e) => e.eventId)).size;

let worker: ChildProcess;
beforeAll(async () => {
  const first = await cli('migrate');
  expect(first.code).toBe(0);
  expect(first.stdout).toMatch(/^created database cwtest_/);
  expect(first.stdout).toMatch(/applied \d+ migration\(s\)/);
  expect((await cli('migrate')).stdout).toMatch(/is up to date/);
  worker = spawn(process.execPath, ['bin/cohortwatch.js', 'worker'], { env, stdio: 'ignore' });
});

afterAll(async () => {
  if (worker.exitCode === null) worker.kill('SIGKILL');
  await q.cleanup();
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('cohortwatch pipeline commands', () => {
  it('ingest --wait enqueues every usable line, reports the others by line number, and waits', async () => {
    const run = await cli('ingest', file, '--wait');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      read: lines.length, enqueued: uniqueEvents + 1, duplicates: events.length - uniqueEvents + 1, unparseable: 2, conflicting: 1, finished: uniqueEvents + 1,
    });
    expect(run.stderr).toContain('line 4: not JSON');
    expect(run.stderr).toContain('line 5: no usable eventId');
    expect(run.stderr).toContain(`line ${lines.length}: eventId ${events[1].eventId} repeats line 2 with a different payload; the first one stands`);
  });

  it('status counts patients, events, rejected events and an empty queue', async () => {
    const run = await cli('status', '--json');
    const registered = new Set(events.filter((e) => e.type === 'registration').map((e) => e.patientId)).size;
    expect(JSON.parse(run.stdout)).toMatchObject({
      queue: { waiting: 0, active: 0, delayed: 0 }, deadLetter: 0, patients: registered, events: uniqueEvents, rejected: 2, conflicts: 1,
    });
  });

  it('rejected lists the invalid event and the in-file conflict, with the worker\'s reasons; the first payload stands', async () => {
    const run = await cli('rejected', '--json');
    const rows = (JSON.parse(run.stdout) as { kind: string }[]).sort((a, b) => a.kind.localeCompare(b.kind));
    expect(rows).toEqual([
      expect.objectContaining({ kind: 'conflict', eventId: events[1].eventId, reason: `eventId ${events[1].eventId} was already stored with a different payload; the first one stands` }),
      expect.objectContaining({ kind: 'invalid', eventId: 'cli-bad-date', reason: 'occurredOn 2011-02-30 is not a calendar date' }),
    ]);
    expect((await cli('rejected')).stdout).toMatch(/invalid\s+cli-bad-date\s+occurredOn 2011-02-30 is not a calendar date/);
    const db = connect(database.url);
    try {
      const stored = await db.selectFrom('follow_up_events').select('payload').where('event_id', '=', events[1].eventId).executeTakeFirstOrThrow();
      expect(stored.payload).toEqual(events[1]);
    } finally {
      await db.destroy();
    }
  });

  it('export writes the dataset as of the cutoff, as JSON with exactly the export keys and as CSV', async () => {
    const db = connect(database.url);
    try {
      const expected = await loadAnalysisDataset(db, parseCutoff('2026-09-30'));
      expect(expected.length).toBeGreaterThan(0);
      const jsonFile = path.join(dir, 'export.json');
      expect((await cli('export', '--as-of', '2026-09-30', '--format', 'json', '--out', jsonFile)).code).toBe(0);
      const rows = JSON.parse(readFileSync(jsonFile, 'utf8')) as Record<string, unknown>[];
      expect(rows).toEqual(JSON.parse(JSON.stringify(expected)));
      for (const row of rows) expect(Object.keys(row)).toEqual([...ANALYSIS_COLUMNS]);

      const csv = (await cli('export', '--as-of', '2026-09-30')).stdout;
      const [header, ...records] = parse(csv);
      expect(header).toEqual([...ANALYSIS_COLUMNS]);
      expect(records).toEqual(expected.map((row) => ANALYSIS_COLUMNS.map((column) => {
        const value = row[column];
        return value === null ? '' : String(value);
      })));

      // An earlier cutoff sees fewer patients or shorter follow-up: events reported later do not count.
      const early = await loadAnalysisDataset(db, parseCutoff('2005-06-30'));
      expect(early.length).toBeGreaterThan(0);
      expect(JSON.stringify(early)).not.toEqual(JSON.stringify(expected.slice(0, early.length)));
    } finally {
      await db.destroy();
    }
  });

  it('exits 2 with a one-line message on a bad argument', async () => {
    const badDate = await cli('export', '--as-of', '2021-02-30');
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toContain('cutoff 2021-02-30 is not a calendar date');
    const missing = await cli('ingest', path.join(dir, 'missing.ndjson'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read');
    const badEnv = await execute(process.execPath, ['bin/cohortwatch.js', 'status'], { env: { ...env, REDIS_URL: 'http://x' } })
      .catch((error: unknown) => error as Run);
    expect(badEnv).toMatchObject({ code: 2 });
    expect((badEnv as Run).stderr).toContain('REDIS_URL');
  });

  it('the worker stops gracefully on SIGTERM', async () => {
    const exited = new Promise((resolve) => worker.once('exit', (code) => resolve(code)));
    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
