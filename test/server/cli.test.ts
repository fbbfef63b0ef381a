// `cohortwatch api-keys`, `users` and `serve` as a newcomer runs them: keys printed once and stored
// hashed, passwords from stdin, a served API answering, and one-line errors with an exit code when
// the secret is missing, PostgreSQL or Redis is away, the database does not exist, the host is not
// this machine's or the port is taken.
import { execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { loadEnv } from '../../src/config/env.ts';
import { serverConfig } from '../../src/server/serverConfig.ts';
import { ServeStartError, startServer } from '../../src/server/startServer.ts';
import { createTestDatabase } from '../helpers/db.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { testQueuePrefix } from '../helpers/redis.ts';

const q = testQueuePrefix('serve-cli');
let t: TestDatabase;
let env: NodeJS.ProcessEnv;

interface Run { code: number; stdout: string; stderr: string }
async function cli(args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['bin/cohortwatch.js', ...args], { env: options.env ?? env }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : (typeof error.code === 'number' ? error.code : 1), stdout, stderr });
    });
    child.stdin?.end(options.input ?? '');
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

beforeAll(async () => {
  t = await createTestDatabase('serve_cli');
  env = { ...process.env, DATABASE_URL: t.url, REDIS_URL: q.redisUrl, QUEUE_PREFIX: q.prefix, LOG_LEVEL: 'warn', SESSION_SECRET: 'cli-secret-0123456789abcdef0123456789' };
});

afterAll(async () => {
  await q.cleanup();
  await t?.drop();
});

describe('cohortwatch api-keys and users', () => {
  it('creates a key, prints it once, stores only its hash; lists and revokes it', async () => {
    const created = await cli(['api-keys', 'create', '--name', 'nightly export', '--scopes', 'events:write,monitoring:read', '--json']);
    expect(created.code).toBe(0);
    const key = JSON.parse(created.stdout) as { id: number; name: string; scopes: string[]; key: string };
    expect(key).toMatchObject({ name: 'nightly export', scopes: ['events:write', 'monitoring:read'] });
    expect(key.key).toMatch(/^cwk_[A-Za-z0-9_-]{43}$/);
    const stored = await t.db.selectFrom('api_keys').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(key.key);
    const list = await cli(['api-keys', 'list']);
    expect(list.stdout).toContain(`${key.id}\tnightly export\tevents:write,monitoring:read\tactive`);
    expect(list.stdout).not.toContain(key.key);
    expect((await cli(['api-keys', 'revoke', String(key.id)])).stdout).toBe(`revoked API key ${key.id}\n`);
    const bad = await cli(['api-keys', 'create', '--name', 'x', '--scopes', 'events:delete']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown scope "events:delete": use events:write, monitoring:read');
  });

  it('adds users with a password from stdin or a generated one; refuses short passwords and unknown roles', async () => {
    const added = await cli(['users', 'add', 'PI@Example.org', '--role', 'investigator', '--password-stdin'], { input: 'a long enough password\n' });
    expect(added).toMatchObject({ code: 0, stdout: 'added pi@example.org (investigator)\n' });
    const generated = await cli(['users', 'add', 'admin@example.org', '--role', 'admin']);
    expect(generated.stdout).toMatch(/^added admin@example.org \(admin\)\npassword \(shown once\): [A-Za-z0-9_-]{24}\n$/);
    const row = await t.db.selectFrom('users').select(['email', 'role', 'password_hash']).where('email', '=', 'pi@example.org').executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await cli(['users', 'add', 'x@example.org', '--role', 'investigator', '--password-stdin'], { input: 'short\n' }))
      .toMatchObject({ code: 2, stderr: 'cohortwatch: the password must have at least 12 characters\n' });
    const role = await cli(['users', 'add', 'x@example.org', '--role', 'superuser']);
    expect(role.code).toBe(2);
    expect(role.stderr).toContain('role must be one of investigator, data-manager, admin');
  });
});

describe('cohortwatch serve', () => {
  it('serves the API until SIGTERM; says once that a reports folder does not exist (yet)', async () => {
    const port = await freePort();
    const reportsDir = `/tmp/cw-no-reports-${port}`;
    const child = spawn(process.execPath, ['bin/cohortwatch.js', 'serve', '--port', String(port), '--reports-dir', reportsDir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    try {
      await new Promise<void>((resolve, reject) => {
        child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); if (stderr.includes('listening on')) resolve(); });
        child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
      });
      const health = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok', database: 'up', queue: 'up' });
      expect((await fetch(`http://127.0.0.1:${port}/api/v1/looks`)).status).toBe(401);
      expect(stderr).toContain(`cohortwatch serve: the reports folder ${reportsDir} does not exist (yet): /looks offers downloads once the scheduler writes reports there\n`);
    } finally {
      child.kill('SIGTERM');
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(0);
    }
  });

  it('one line and an exit code without SESSION_SECRET, without PostgreSQL or Redis, without the database, on a bad host or a taken port', async () => {
    const noSecret = await cli(['serve', '--port', '0'], { env: { ...env, SESSION_SECRET: undefined } });
    expect(noSecret.code).toBe(2);
    expect(noSecret.stderr.trim().split('\n')).toHaveLength(1);
    expect(noSecret.stderr).toContain('SESSION_SECRET is not set');
    // Both services down: one line names each, the password masked.
    const noServices = await cli(['serve', '--port', '0'], { env: { ...env, DATABASE_URL: 'postgres://postgres:hunter2@127.0.0.1:1/none', REDIS_URL: 'redis://127.0.0.1:1' } });
    expect(noServices.code).toBe(1);
    expect(noServices.stderr).toMatch(/^cohortwatch: PostgreSQL at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/none is unreachable \([^\n]*ECONNREFUSED[^\n]*\); Redis at redis:\/\/127\.0\.0\.1:1 is unreachable \([^\n]*\)\n$/);
    // The server answers but the database was never created: say what to do, not "unreachable".
    const noDatabase = await cli(['serve', '--port', '0'], { env: { ...env, DATABASE_URL: t.url.replace(/\/[^/]*$/, '/cw_never_created') } });
    expect(noDatabase.code).toBe(1);
    expect(noDatabase.stderr).toMatch(/^cohortwatch: PostgreSQL at \S+: database "cw_never_created" does not exist; run `cohortwatch migrate` first\n$/);
    // A host that is no address of this machine (in process: a spawn costs seconds).
    const serveEnv = loadEnv(env);
    const start = (host: string) => startServer({ env: serveEnv, config: serverConfig(serveEnv), logger: pino({ level: 'silent' }), port: 0, host });
    await expect(start('no-such-host.invalid')).rejects.toThrow(new ServeStartError('cannot listen on no-such-host.invalid: no such host (--host or HTTP_HOST)'));
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const taken = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const busy = await cli(['serve', '--port', String(taken)]);
      expect(busy).toMatchObject({ code: 1, stderr: `cohortwatch: port ${taken} is already in use (--port or HTTP_PORT)\n` });
    } finally {
      blocker.close();
    }
  });
});
