// PostgreSQL or Redis away while `serve` runs: requests that need the service answer 503 with one
// line ("retry later"), the log has one warning per request and no stack trace, and the server stays
// up. Each service is made unreachable for one app only (a pool or client on a closed port), so the
// shared PostgreSQL and Redis keep serving the other tests.
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import { connect } from '../../src/db/connect.ts';
import { buildServer } from '../../src/server/buildServer.ts';
import { createApiKey } from '../../src/server/security/apiKeys.ts';
import type { ServerConfig } from '../../src/server/serverConfig.ts';
import { createFollowUpQueue } from '../../src/workers/queue.ts';
import type { FollowUpQueue } from '../../src/workers/queue.ts';
import { createTestDatabase } from '../helpers/db.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { testQueuePrefix } from '../helpers/redis.ts';
import type { TestQueuePrefix } from '../helpers/redis.ts';
import { FORM, formBody, HTTPS } from './support/serverHarness.ts';

const HEALTHY = () => Promise.resolve({ database: true, queue: true });

let t: TestDatabase;
let q: TestQueuePrefix;
let queue: FollowUpQueue;
let closedPort: number;
const opened: { close(): Promise<unknown> | void }[] = [];

async function app(label: string, db: TestDatabase['db'], redis: Redis): Promise<{ app: FastifyInstance; logs: string[] }> {
  const logs: string[] = [];
  const sink = new Writable({ write(chunk: Buffer, _encoding, done) { logs.push(...chunk.toString('utf8').split('\n').filter((l) => l !== '')); done(); } });
  const config: ServerConfig = {
    sessionSecret: 'outage-secret-0123456789abcdef0123456789', sessionTtlMs: 3_600_000, cookieSecure: true, bodyLimitBytes: 1024 * 1024,
    apiRatePerMinute: 1000, loginRatePerMinute: 1000, reportsDir: undefined, trustProxy: true, smallCellMin: 11,
    rateLimitNamespace: `${q.prefix}:${label}:rate:`, enqueueTimeoutMs: 2000,
  };
  const server = await buildServer({ db, queue, redis, logger: pino({ level: 'info' }, sink), config, health: HEALTHY });
  await server.ready();
  opened.push(server);
  return { app: server, logs };
}

beforeAll(async () => {
  t = await createTestDatabase('serve_outage');
  q = testQueuePrefix('serve-outage');
  queue = createFollowUpQueue({ redisUrl: q.redisUrl, prefix: q.prefix, attempts: 1, backoffMs: 100 });
  // A port nothing listens on: taken, then released.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  closedPort = typeof address === 'object' && address !== null ? address.port : 1;
  await new Promise((resolve) => probe.close(resolve));
});

afterAll(async () => {
  for (const o of opened) await o.close();
  await queue?.close();
  await q?.cleanup();
  await t?.drop();
});

function expectOneLineLogs(logs: string[], service: string, requests: number) {
  const warnings = logs.map((l) => JSON.parse(l) as { level: number; msg: string; service?: string; err?: unknown }).filter((l) => l.level >= 40);
  expect(warnings).toHaveLength(requests);
  for (const w of warnings) expect(w).toMatchObject({ level: 40, msg: `${service} unavailable`, service });
  expect(logs.join('\n')).not.toMatch(/"stack"|\n\s+at /);
}

describe('serve while a service is away', () => {
  it('PostgreSQL away: the API and the login answer 503 in one line; nothing logs a stack', async () => {
    const away = connect(`postgres://postgres@127.0.0.1:${closedPort}/none`, { poolSize: 2 });
    opened.push({ close: () => away.destroy() });
    const redis = new Redis(q.redisUrl, { maxRetriesPerRequest: 1 });
    opened.push({ close: () => { redis.disconnect(); } });
    const { app: server, logs } = await app('pg', away, redis);

    const looks = await server.inject({ method: 'GET', url: '/api/v1/looks', headers: { authorization: 'Bearer cwk_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG' } });
    expect(looks.statusCode).toBe(503);
    expect(looks.json()).toEqual({ error: 'Service Unavailable', message: 'PostgreSQL is unavailable; retry later' });
    // The login form: its CSRF secret is kept in the session, which lives in PostgreSQL.
    const login = await server.inject({ method: 'GET', url: '/login', headers: HTTPS });
    expect(login.statusCode).toBe(503);
    expect(login.body).toContain('PostgreSQL is unavailable; retry later');
    expectOneLineLogs(logs, 'PostgreSQL', 2);
  });

  it('Redis away: rate-limited routes answer 503 in one line (no unthrottled logins); nothing logs a stack', async () => {
    const redis = new Redis(`redis://127.0.0.1:${closedPort}`, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: () => null });
    redis.on('error', () => undefined);
    opened.push({ close: () => { redis.disconnect(); } });
    const { app: server, logs } = await app('redis', t.db, redis);
    const key = await createApiKey(t.db, 'reader', ['monitoring:read']);

    const looks = await server.inject({ method: 'GET', url: '/api/v1/looks', headers: { authorization: `Bearer ${key.key}` } });
    expect(looks.statusCode).toBe(503);
    expect(looks.json()).toEqual({ error: 'Service Unavailable', message: 'Redis is unavailable (rate limits and the queue live there); retry later' });
    const login = await server.inject({ method: 'POST', url: '/login', headers: { ...HTTPS, ...FORM }, payload: formBody({ email: 'a@example.org', password: 'x' }) });
    expect(login.statusCode).toBe(503);
    expectOneLineLogs(logs, 'Redis', 2);
    // Pages that need neither the limiter nor the queue still answer.
    expect((await server.inject({ method: 'GET', url: '/login', headers: HTTPS })).statusCode).toBe(200);
  });
});
