// A real `serve` app (PostgreSQL database of its own, its own queue prefix on the shared Redis,
// fastify.inject for requests) with helpers to create users and keys, log in, and read the logs.
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../../src/db/database.ts';
import { buildServer } from '../../../src/server/buildServer.ts';
import { createApiKey } from '../../../src/server/security/apiKeys.ts';
import type { ApiScope } from '../../../src/server/security/apiKeys.ts';
import { upsertUser } from '../../../src/server/security/users.ts';
import type { UserRole } from '../../../src/server/security/users.ts';
import type { ServerConfig } from '../../../src/server/serverConfig.ts';
import { healthCheck } from '../../../src/server/startServer.ts';
import { createFollowUpQueue } from '../../../src/workers/queue.ts';
import type { FollowUpQueue } from '../../../src/workers/queue.ts';
import { createTestDatabase } from '../../helpers/db.ts';
import type { TestDatabase } from '../../helpers/db.ts';
import { testQueuePrefix } from '../../helpers/redis.ts';

export const PASSWORD = 'correct horse battery staple';

export interface Harness {
  app: FastifyInstance;
  db: Kysely<Database>;
  queue: FollowUpQueue;
  database: TestDatabase;
  /** Every line the server logged so far. */
  logs: string[];
  routes: { method: string; url: string }[];
  config: ServerConfig;
  addUser(email: string, role: UserRole, password?: string): Promise<void>;
  addKey(scopes: ApiScope[], name?: string): Promise<{ id: number; key: string }>;
  /** Logs in through the form; returns the session cookie ("name=value"). */
  login(email: string, password?: string): Promise<string>;
  /** The anonymous session cookie and CSRF token of the login form. */
  loginForm(): Promise<{ cookie: string; csrf: string }>;
  get(url: string, cookie?: string): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** "name=value" of the session cookie a response sets, or null. */
export function sessionCookie(response: LightMyRequestResponse): string | null {
  const cookie = response.cookies.find((c) => c.name.endsWith('cohortwatch'));
  return cookie === undefined ? null : `${cookie.name}=${cookie.value}`;
}

export function csrfToken(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (match === null) throw new Error('no CSRF token in the page');
  return match[1];
}

export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

export function formBody(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

/** Requests look as if they came through a TLS proxy, so the Secure session cookie is issued. */
export const HTTPS = { 'x-forwarded-proto': 'https' };

export async function startHarness(label: string, overrides: Partial<ServerConfig> = {}): Promise<Harness> {
  const database = await createTestDatabase(label);
  const prefix = testQueuePrefix(label);
  const queue = createFollowUpQueue({ redisUrl: prefix.redisUrl, prefix: prefix.prefix, attempts: 3, backoffMs: 100 });
  const redis = new Redis(prefix.redisUrl, { maxRetriesPerRequest: 1 });
  const logs: string[] = [];
  const sink = new Writable({ write(chunk: Buffer, _encoding, done) { logs.push(...chunk.toString('utf8').split('\n').filter((l) => l !== '')); done(); } });
  const logger = pino({ level: 'debug' }, sink);
  const config: ServerConfig = {
    sessionSecret: 'test-secret-0123456789abcdef0123456789', sessionTtlMs: 3_600_000, cookieSecure: true, bodyLimitBytes: 1024 * 1024,
    apiRatePerMinute: 1000, loginRatePerMinute: 1000, reportsDir: undefined, trustProxy: true, smallCellMin: 11,
    rateLimitNamespace: `${prefix.prefix}:rate:`, enqueueTimeoutMs: 5000, ...overrides,
  };
  const routes: { method: string; url: string }[] = [];
  const app = await buildServer({
    db: database.db, queue, redis, logger, config, health: healthCheck(database.db, queue),
    onRoute: (r) => { for (const method of [r.method].flat()) routes.push({ method, url: r.url }); },
  });
  await app.ready();

  const get = (url: string, cookie?: string) => app.inject({ method: 'GET', url, headers: { ...HTTPS, ...(cookie === undefined ? {} : { cookie }) } });
  const loginForm = async () => {
    const page = await get('/login');
    const cookie = sessionCookie(page);
    if (cookie === null) throw new Error('the login form set no session cookie');
    return { cookie, csrf: csrfToken(page.body) };
  };
  return {
    app, db: database.db, queue, database, logs, routes, config,
    async addUser(email, role, password = PASSWORD) { await upsertUser(database.db, email, role, password); },
    async addKey(scopes, name = 'test key') { const k = await createApiKey(database.db, name, scopes); return { id: k.id, key: k.key }; },
    loginForm,
    async login(email, password = PASSWORD) {
      const form = await loginForm();
      const response = await app.inject({
        method: 'POST', url: '/login', headers: { ...HTTPS, cookie: form.cookie, ...FORM }, payload: formBody({ email, password, _csrf: form.csrf }),
      });
      const cookie = sessionCookie(response);
      if (response.statusCode !== 303 || cookie === null) throw new Error(`login of ${email} failed: ${response.statusCode}`);
      return cookie;
    },
    get,
    async close() {
      await app.close();
      await queue.close();
      redis.disconnect();
      await prefix.cleanup();
      await database.drop();
    },
  };
}
