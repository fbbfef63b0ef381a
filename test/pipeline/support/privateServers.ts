// Private PostgreSQL and Redis instances for the restart tests: the shared servers must never be
// restarted (other test files use them at the same time). Each gets a free port and a temp dir.
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';

const run = promisify(execFile);
const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface PrivatePostgres {
  /** Server URL whose database is `postgres`; replace the path for another database. */
  url: string;
  restart(): Promise<void>;
  /** Stops the server, keeping its data, until up(). */
  down(): Promise<void>;
  up(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * initdb + pg_ctl into a temp dir. As root the server must run as the `postgres` OS user (PostgreSQL
 * refuses root), so the directory is handed to it and the commands go through runuser.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cw-pg-'));
  const asRoot = process.getuid?.() === 0;
  const pgUser = asRoot ? await run('id', ['-u', 'postgres']).then((r) => Number(r.stdout.trim())) : null;
  const pgGroup = asRoot ? await run('id', ['-g', 'postgres']).then((r) => Number(r.stdout.trim())) : null;
  if (pgUser !== null && pgGroup !== null) chownSync(dir, pgUser, pgGroup);
  const pg = (tool: string, args: string[]) => (asRoot
    ? run('runuser', ['-u', 'postgres', '--', path.join(PG_BIN, tool), ...args])
    : run(path.join(PG_BIN, tool), args));
  const data = path.join(dir, 'data');
  const port = await freePort();
  await pg('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  // fsync off: these tests restart the server process, never the machine, and the OS page cache
  // outlives the process, so durability across the restart does not depend on fsync.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = () => pg('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', 'start']);
  const stop = () => pg('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async restart() {
      await stop();
      await sleep(500);
      await start();
    },
    down: async () => { await stop(); },
    up: async () => { await start(); },
    async stop() {
      await stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface PrivateRedis {
  url: string;
  restart(): Promise<void>;
  /** Stops the server, keeping its data, until up(). */
  down(): Promise<void>;
  up(): Promise<void>;
  stop(): Promise<void>;
}

/** redis-server as a child process, persisting every write (AOF, fsync always) so a restart loses nothing. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cw-redis-'));
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess;
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes',
      '--appendfsync', 'always', '--dir', dir, '--daemonize', 'no'], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on('error', () => undefined);
      const ok = await probe.connect().then(() => probe.ping()).then(() => true, () => false);
      probe.disconnect();
      if (ok) return;
      await sleep(100);
    }
    throw new Error(`private redis-server on port ${port} did not start`);
  };
  const stop = async () => {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  await start();
  return {
    url,
    async restart() {
      await stop();
      await sleep(500);
      await start();
    },
    down: stop,
    up: start,
    async stop() {
      if (child.exitCode === null) await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
