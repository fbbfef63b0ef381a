// The README's pipeline quick start and docs/deploy.md, followed as written. Docker is not on this
// machine, so only the Docker part is translated: `docker compose run --rm <service> X` runs
// `cohortwatch X`, `up -d` starts a local worker and scheduler (after `migrate`, as compose does),
// `exec -T postgres sh -c '…'` runs the same shell command against a local PostgreSQL database,
// `stop`/`start` stop and start the local processes. Everything else runs verbatim in a fresh folder
// holding the repository's .env.example. A command the translation does not know fails the test, so
// the page cannot drift from what works.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { reserveTestDatabase } from '../helpers/db.ts';
import { testQueuePrefix } from '../helpers/redis.ts';
import { startService } from '../ops-resilience/support/cli.ts';
import type { Service } from '../ops-resilience/support/cli.ts';

const repo = path.resolve(import.meta.dirname, '../..');
const cli = `${process.execPath} ${path.join(repo, 'bin', 'cohortwatch.js')}`;

/** The lines of every fenced block of `language` in a Markdown file (in order, comments stripped). */
function commandLines(file: string, heading?: string): string[] {
  let text = readFileSync(path.join(repo, file), 'utf8');
  if (heading !== undefined) text = text.slice(text.indexOf(heading));
  const lines: string[] = [];
  for (const block of text.matchAll(/```bash\n([\s\S]*?)```/g)) {
    if (heading !== undefined && lines.length > 0) break;
    for (const raw of block[1].split('\n')) {
      const line = raw.replace(/\s+#\s.*$/, '').trim();
      if (line !== '' && !line.startsWith('#')) lines.push(line);
    }
  }
  return lines;
}

function shell(command: string, cwd: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', command], { cwd, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

const folders: string[] = [];
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function setting(label: string) {
  const database = reserveTestDatabase(label);
  const q = testQueuePrefix(label);
  cleanups.push(() => q.cleanup(), () => database.drop());
  const dir = mkdtempSync(path.join(os.tmpdir(), `cw-${label}-`));
  folders.push(dir);
  const env = {
    DATABASE_URL: database.url, REDIS_URL: q.redisUrl, QUEUE_PREFIX: q.prefix, METRICS_PORT: '0', SCHEDULER_METRICS_PORT: '0',
    SMTP_URL: 'smtp://127.0.0.1:1', SHUTDOWN_TIMEOUT_MS: '3000', WORKER_CONCURRENCY: '8',
  };
  return { database, dir, env };
}

describe('docs/deploy.md, followed as written (Docker translated to local processes)', () => {
  it('sets secrets, starts, checks, ingests, scales, backs up and restores', async () => {
    const { database, dir, env } = setting('deploy_doc');
    copyFileSync(path.join(repo, '.env.example'), path.join(dir, '.env.example'));
    const workers: Service[] = [];
    let scheduler: Service | null = null;
    const startWorker = async () => {
      const worker = startService(['worker'], env);
      workers.push(worker);
      cleanups.push(() => Promise.resolve(worker.child.kill('SIGKILL')));
      await worker.waitForLog((l) => l.msg === 'worker started', 60_000);
    };
    const startScheduler = async () => {
      const started = startService(['scheduler', '--report-dir', path.join(dir, 'reports')], env);
      scheduler = started;
      cleanups.push(() => Promise.resolve(started.child.kill('SIGKILL')));
      await started.waitForLog((l) => l.msg === 'reanalysis and alert-mail workers running', 60_000);
    };
    const run = async (command: string) => {
      const result = await shell(command, dir, env);
      expect(result.code, `${command}\n${result.stderr}`).toBe(0);
      return result.stdout;
    };
    const statuses: string[] = [];
    const translate: [RegExp, (m: RegExpMatchArray) => Promise<void>][] = [
      [/^docker compose (build|ps)$/, () => Promise.resolve()],
      [/^docker compose up -d$/, async () => {
        await run(`${cli} migrate`);
        if (workers.length === 0) await startWorker();
        if (scheduler === null) await startScheduler();
      }],
      [/^docker compose up -d --scale worker=(\d+)$/, async (m) => {
        while (workers.filter((w) => w.child.exitCode === null).length < Number(m[1])) await startWorker();
      }],
      [/^docker compose run --rm migrate$/, async () => { await run(`${cli} migrate`); }],
      [/^docker compose run --rm (?:-T )?worker (.*)$/, async (m) => {
        const out = await run(`${cli} ${m[1]}`);
        if (m[1] === 'status') statuses.push(out);
      }],
      [/^docker compose exec worker (node -e .*)$/, async (m) => {
        const port = String((await workers[0].waitForLog((l) => l.msg === 'worker started')).opsPort);
        expect(JSON.parse(await run(m[1].replace('9464', port)))).toEqual({ status: 'ok', database: 'ok', redis: 'ok', worker: 'ok' });
      }],
      [/^docker compose exec -T postgres (sh -c .*)$/, async (m) => {
        const result = await shell(m[1], dir, { ...env, POSTGRES_USER: 'postgres', POSTGRES_DB: new URL(database.url).pathname.slice(1), PGHOST: '127.0.0.1', PGPORT: '5432' });
        expect(result.code, `${m[1]}\n${result.stderr}`).toBe(0);
      }],
      [/^docker compose stop worker scheduler$/, async () => {
        for (const service of [...workers, ...(scheduler ? [scheduler] : [])]) {
          if (service.child.exitCode === null) expect((await service.signal('SIGTERM')).code).toBe(0);
        }
        workers.length = 0;
        scheduler = null;
      }],
      [/^docker compose start worker scheduler$/, async () => {
        await startWorker();
        await startScheduler();
      }],
      [/^(cp|sed) /, async () => Promise.resolve()],
    ];
    const lines = commandLines('docs/deploy.md');
    expect(lines.length).toBeGreaterThan(15);
    for (const line of lines) {
      const rule = translate.find(([pattern]) => pattern.test(line));
      expect(rule, `no translation for: ${line}`).toBeDefined();
      const match = line.match(rule![0])!;
      if (/^(cp|sed) /.test(line)) await run(line);
      else await rule![1](match);
    }
    // Step 1: both secrets set, nothing else changed.
    const dotenv = readFileSync(path.join(dir, '.env'), 'utf8');
    expect(dotenv).toMatch(/^POSTGRES_PASSWORD=[0-9a-f]{48}$/m);
    expect(dotenv).toMatch(/^REDIS_PASSWORD=[0-9a-f]{48}$/m);
    // status before the events, after them, after scaling, after the restore: the events survive the round trip.
    const events = statuses.map((s) => Number(/^events: (\d+)$/m.exec(s)?.[1]));
    expect(events).toHaveLength(4);
    expect(events[0]).toBe(0);
    expect(events[1]).toBeGreaterThan(100);
    expect(events.slice(2)).toEqual([events[1], events[1]]);
  }, 400_000);
});

describe("README's pipeline quick start, followed as written", () => {
  it('migrate, worker, simulate, ingest --wait, export, rejected, status', async () => {
    const { dir, env } = setting('readme');
    const lines = commandLines('README.md', '## Running the pipeline');
    expect(lines[0]).toBe('npx cohortwatch migrate');
    const background: Service[] = [];
    const outputs: string[] = [];
    try {
      for (const line of lines) {
        expect(line, line).toMatch(/^npx cohortwatch /);
        const args = line.replace(/^npx cohortwatch /, '');
        if (args.endsWith(' &')) {
          const service = startService(args.slice(0, -2).split(' '), env);
          background.push(service);
          await service.waitForLog((l) => l.msg === 'worker started', 60_000);
          continue;
        }
        const result = await shell(`${cli} ${args}`, dir, env);
        expect(result.code, `${line}\n${result.stderr}`).toBe(0);
        outputs.push(result.stdout);
      }
    } finally {
      for (const service of background) await service.signal('SIGTERM');
    }
    const ingest = JSON.parse(outputs[2]) as { read: number; enqueued: number; finished: number };
    expect(ingest.finished).toBe(ingest.enqueued);
    const csv = readFileSync(path.join(dir, 'cohort.csv'), 'utf8').trim().split('\n');
    expect(csv.length).toBeGreaterThan(10);
    expect(outputs.at(-1)).toMatch(/^events: \d+$/m);
  }, 300_000);
});
