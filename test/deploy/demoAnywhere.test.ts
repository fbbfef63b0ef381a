// Issue 9, item 7: `npm run demo` from a clone in a private folder (mode 0700, as `mktemp -d` makes it
// or root's home), as root. PostgreSQL refuses to run as root, so the embedded server runs as the
// `postgres` user, who cannot reach anything inside that folder: before the fix, initdb's spawn died
// with an unhandled EACCES stack trace. Now the binaries and data go where that user can reach them.
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../src/demo/embeddedPostgres.ts';
import { runCli } from '../ops-resilience/support/cli.ts';

const run = promisify(execFile);
const asRoot = process.getuid?.() === 0;
const repo = path.resolve(import.meta.dirname, '../..');

describe.skipIf(!asRoot)('the demo as root in a 0700 folder', () => {
  it('npm run demo from a clone inside `mktemp -d` starts its embedded PostgreSQL and replays a look', async () => {
    const home = await mkdtemp(path.join(tmpdir(), 'cw-private-'));
    try {
      expect((await stat(home)).mode & 0o777).toBe(0o700);
      const clone = path.join(home, 'cohortwatch');
      await mkdir(clone);
      // The clone's files, and its node_modules as hard links (what `npm ci` would install, without the wait).
      for (const entry of ['bin', 'src', 'migrations', 'package.json', 'tsconfig.json']) await cp(path.join(repo, entry), path.join(clone, entry), { recursive: true });
      await run('cp', ['-al', path.join(repo, 'node_modules'), path.join(clone, 'node_modules')]);
      const demo = await runCli(['demo', '--quarters', '1', '--patients', '120', '--pdf', 'none'], { LOG_LEVEL: 'info' }, 240_000, clone);
      expect(demo.stderr).not.toMatch(/EACCES|^\s+at /m);
      expect(demo.code, demo.stderr).toBe(0);
      expect(demo.stdout).toMatch(/Replayed 1 quarterly looks/);
      expect(demo.stdout).toMatch(/PostgreSQL: embedded server on 127\.0\.0\.1:\d+ \(data in \/tmp\/cohortwatch-demo-pg-/);
      expect(await readFile(path.join(clone, 'demo-out', 'summary.md'), 'utf8')).toContain('2007-12-31');
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  }, 300_000);
});

describe('a failure to start the embedded PostgreSQL', () => {
  it('is one line saying what to do', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cw-nopg-'));
    try {
      const error = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), logFile: path.join(dir, 'postgres.log'), binariesDir: path.join(dir, 'missing') })
        .then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      const message = (error as Error).message;
      expect(message.split('\n')).toHaveLength(1);
      expect(message).toMatch(/^the demo's embedded PostgreSQL did not start: ENOENT.*missing.* \(log: .*postgres\.log\); to use a PostgreSQL server of your own instead, set DATABASE_URL/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('started, it answers queries and stops', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cw-pg-'));
    try {
      const server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), logFile: path.join(dir, 'postgres.log') });
      const client = new pg.Client({ connectionString: server.serverUrl });
      await client.connect();
      expect((await client.query<{ n: number }>('select 1 + 1 as n')).rows[0].n).toBe(2);
      await client.end();
      await server.stop();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
