// Issue 9, items 5 and 6: with PostgreSQL or Redis unreachable, every command fails fast with one line
// naming the service and its URL (password masked), never a hang or a stack trace; /healthz of the
// worker reflects both; SIGTERM exits within SHUTDOWN_TIMEOUT_MS plus a second even with Redis gone;
// a taken metrics port is a start-up error. The servers stopped here are private instances.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivatePostgres, startPrivateRedis } from '../pipeline/support/privateServers.ts';
import type { PrivatePostgres, PrivateRedis } from '../pipeline/support/privateServers.ts';
import { eventually, getJson, runCli, startService } from './support/cli.ts';
import type { Run } from './support/cli.ts';

const SECRET = 's3cret-pw';
const dir = mkdtempSync(path.join(os.tmpdir(), 'cw-down-'));
const events = path.join(dir, 'events.ndjson');
writeFileSync(events, '{"eventId":"e1","type":"death"}\n');

let pg: PrivatePostgres;
let redis: PrivateRedis;
const withPassword = (url: string, database?: string) => {
  const u = new URL(url);
  u.password = SECRET;
  if (database) u.pathname = `/${database}`;
  return u.toString();
};

beforeAll(async () => {
  [pg, redis] = await Promise.all([startPrivatePostgres(), startPrivateRedis()]);
});

afterAll(async () => {
  await Promise.allSettled([pg.stop(), redis.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

/** One line on stderr, naming the service and its masked URL; nothing on stdout; no stack trace. */
function expectOneLineFailure(run: Run, service: 'PostgreSQL' | 'Redis', label: string): void {
  const lines = run.stderr.trim().split('\n');
  expect(run.code, `${label}: ${run.stderr}`).toBe(1);
  expect(lines, `${label}: ${run.stderr}`).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^cohortwatch: .*${service} at \\S*:\\*\\*\\*@127\\.0\\.0\\.1:\\d+\\S* is unreachable`));
  expect(run.stderr + run.stdout).not.toContain(SECRET);
  expect(run.stderr).not.toMatch(/^\s+at /m);
  expect(run.ms, label).toBeLessThan(15_000);
}

describe('commands with their services down', () => {
  it('exit 1 within 15 s with one line naming the stopped service and its URL, password masked', async () => {
    await Promise.all([pg.down(), redis.down()]);
    try {
      const env = {
        DATABASE_URL: withPassword(pg.url, 'cohortwatch'), REDIS_URL: withPassword(redis.url),
        METRICS_PORT: '0', SCHEDULER_METRICS_PORT: '0', SHUTDOWN_TIMEOUT_MS: '1000',
      };
      const cases: [string[], 'PostgreSQL' | 'Redis'][] = [
        [['worker'], 'PostgreSQL'],
        [['status', '--json'], 'Redis'],
        [['ingest', events, '--wait'], 'Redis'],
        [['reanalyze', '--as-of', '2012-12-31', '--wait', '--timeout', '10'], 'PostgreSQL'],
        [['scheduler'], 'PostgreSQL'],
        [['export', '--as-of', '2020-12-31'], 'PostgreSQL'],
        [['migrate'], 'PostgreSQL'],
      ];
      // Two at a time: the limit is on each command, not on a machine loaded with eleven Node starts.
      const runs: Run[] = [];
      for (let k = 0; k < cases.length; k += 2) runs.push(...await Promise.all(cases.slice(k, k + 2).map(([args]) => runCli(args, env))));
      runs.forEach((run, k) => expectOneLineFailure(run, cases[k][1], cases[k][0].join(' ')));
      // Both down: the services that need both say so in the same line.
      expect(runs[0].stderr).toMatch(/PostgreSQL at .* is unreachable .*; Redis at .* is unreachable/);
    } finally {
      await Promise.all([pg.up(), redis.up()]);
    }
  });

  it('a server that accepts connections but never answers: the command gives up after CONNECT_TIMEOUT_MS', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => { sockets.push(socket); });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const [ingest, exported] = await Promise.all([
        runCli(['ingest', events], { REDIS_URL: `redis://:${SECRET}@127.0.0.1:${port}`, CONNECT_TIMEOUT_MS: '1500' }),
        runCli(['export', '--as-of', '2020-12-31'], { DATABASE_URL: `postgres://postgres:${SECRET}@127.0.0.1:${port}/x`, CONNECT_TIMEOUT_MS: '1500' }),
      ]);
      expectOneLineFailure(ingest, 'Redis', 'ingest');
      expect(ingest.stderr).toContain('Command timed out');
      expectOneLineFailure(exported, 'PostgreSQL', 'export');
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });
});

describe('the worker with its services going away', () => {
  it('/healthz turns 503 naming PostgreSQL, then Redis; SIGTERM with Redis down exits within SHUTDOWN_TIMEOUT_MS + 1 s', async () => {
    const database = withPassword(pg.url, 'cw_health').replace(`:${SECRET}@`, '@');
    expect((await runCli(['migrate'], { DATABASE_URL: database })).code).toBe(0);
    const worker = startService(['worker'], {
      DATABASE_URL: database, REDIS_URL: redis.url, QUEUE_PREFIX: 'cwdown', METRICS_PORT: '0', SHUTDOWN_TIMEOUT_MS: '2000',
    });
    try {
      const started = await worker.waitForLog((line) => line.msg === 'worker started');
      const healthz = `http://127.0.0.1:${String(started.opsPort)}/healthz`;
      expect(await getJson(healthz)).toEqual({ status: 200, body: { status: 'ok', database: 'ok', redis: 'ok', worker: 'ok' } });

      await pg.down();
      const noDatabase = await eventually(async () => {
        const answer = await getJson(healthz);
        return answer.status === 503 ? answer : undefined;
      }, 'a 503 with PostgreSQL down');
      expect(noDatabase.body).toMatchObject({ status: 'unavailable', redis: 'ok' });
      expect(noDatabase.body.database).toMatch(/^unreachable/);
      await pg.up();
      await eventually(async () => ((await getJson(healthz)).status === 200 ? true : undefined), 'healthy again after PostgreSQL is back');

      await redis.down();
      const noRedis = await eventually(async () => {
        const answer = await getJson(healthz);
        return answer.status === 503 ? answer : undefined;
      }, 'a 503 with Redis down');
      expect(noRedis.body).toMatchObject({ status: 'unavailable', database: 'ok' });
      expect(noRedis.body.redis).toMatch(/^unreachable/);
      // The lost connection is logged by the worker's error listener, not thrown.
      await worker.waitForLog((line) => line.msg === 'worker error');

      const exit = await worker.signal('SIGTERM');
      expect(exit.ms).toBeLessThan(2000 + 1000);
      expect(worker.stderr()).not.toMatch(/^\s+at /m);
    } finally {
      worker.child.kill('SIGKILL');
      await redis.up();
    }
  });

  it('a taken metrics port is a start-up error: exit 1, one line, nothing left running', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const database = new URL(pg.url);
      database.pathname = '/cw_health';
      const env = { DATABASE_URL: database.toString(), REDIS_URL: redis.url, QUEUE_PREFIX: 'cwport', METRICS_PORT: String(port), SCHEDULER_METRICS_PORT: String(port) };
      const [worker, scheduler] = await Promise.all([runCli(['worker'], env), runCli(['scheduler'], env)]);
      for (const run of [worker, scheduler]) {
        expect(run.code).toBe(1);
        expect(run.stderr.trim().split('\n')).toEqual([`cohortwatch: cannot serve /healthz and /metrics on port ${port}: the port is already in use (choose another with METRICS_PORT, or SCHEDULER_METRICS_PORT for the scheduler; 0 picks a free one)`]);
        expect(run.ms).toBeLessThan(15_000);
      }
    } finally {
      taken.close();
    }
  });
});
