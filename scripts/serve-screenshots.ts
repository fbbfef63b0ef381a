// npm run screenshots:serve: the dashboard's main pages as PNGs in docs/screenshots/, from a real
// run: a fresh scratch database on the PostgreSQL of DATABASE_URL's server, Redis at REDIS_URL, a
// simulated registry (426 patients, scenario "emerging") posted through the API and applied by the
// worker, four looks, then headless Chromium logged in as each role: the overview (states and z
// paths), an estimand, the signals list and one signal after an investigator acknowledged it through
// its form, the looks, the plan, and the data-quality page. The database is dropped at the end.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { loadEnv } from '../src/config/env.ts';
import { connect } from '../src/db/connect.ts';
import { ensureDatabase, migrateToLatest } from '../src/db/migrate.ts';
import { reanalysisDeps } from '../src/jobs/analysisService.ts';
import { writeQuarterlyReport } from '../src/jobs/quarterlyReport.ts';
import { reanalyze } from '../src/jobs/reanalysis.ts';
import { CHROMIUM_ARGS, DEFAULT_CHROMIUM_PATH } from '../src/jobs/report/index.ts';
import { buildServer } from '../src/server/buildServer.ts';
import { createApiKey } from '../src/server/security/apiKeys.ts';
import { upsertUser } from '../src/server/security/users.ts';
import { healthCheck } from '../src/server/startServer.ts';
import { createFollowUpQueue } from '../src/workers/queue.ts';
import { startWorkerService } from '../src/workers/workerService.ts';
import { postRegistry, waitUntilApplied } from '../test/server/support/registryThroughApi.ts';

const OUT = 'docs/screenshots';
const CUTOFFS = ['2014-12-31', '2017-12-31', '2020-12-31', '2023-12-31'];
const PASSWORD = 'screenshot password 1';

const env = loadEnv();
const url = new URL(env.DATABASE_URL);
url.pathname = `/cw_screenshots_${randomBytes(4).toString('hex')}`;
const databaseUrl = url.toString();
const prefix = `cw-screenshots-${randomBytes(4).toString('hex')}`;
const queueConfig = { redisUrl: env.REDIS_URL, prefix, attempts: 3, backoffMs: 100 };
const started = Date.now();
const step = (what: string) => console.error(`${((Date.now() - started) / 1000).toFixed(1)} s  ${what}`);

await ensureDatabase(databaseUrl);
const db = connect(databaseUrl, { poolSize: 12 });
const queue = createFollowUpQueue(queueConfig);
const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1 });
const reportsDir = await mkdtemp(join(tmpdir(), 'cw-screenshot-reports-'));
const logger = pino({ level: 'silent' });
let browser: Browser | undefined;
try {
  await migrateToLatest(db);
  const worker = await startWorkerService({ db, queue: queueConfig, logger, concurrency: 8, metricsPort: null, shutdownTimeoutMs: 5000 });
  const app = await buildServer({
    db, queue, redis, logger, health: healthCheck(db, queue),
    config: {
      sessionSecret: randomBytes(32).toString('hex'), sessionTtlMs: 3_600_000, cookieSecure: false, bodyLimitBytes: 64 * 1024 * 1024,
      apiRatePerMinute: 10_000, loginRatePerMinute: 100, reportsDir, trustProxy: false, smallCellMin: env.SMALL_CELL_MIN,
      rateLimitNamespace: `${prefix}:rate:`, enqueueTimeoutMs: 30_000,
    },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  const key = await createApiKey(db, 'screenshot producer', ['events:write']);
  const posted = await postRegistry(base, key.key, { seed: 11, patients: 426, scenario: 'emerging', adminEnd: CUTOFFS.at(-1) });
  await fetch(`${base}/api/v1/events`, {
    method: 'POST', headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' },
    body: JSON.stringify([{ eventId: 'late-dp', patientId: 'P0000007', type: 'dp', sites: ['spleen'], occurredOn: '2021-05-01', reportedAt: '2021-05-03T09:00:00Z' }]),
  });
  step(`posted ${posted.posted} events (${posted.queued} queued)`);
  await waitUntilApplied(db, posted.queuedIds, 600_000);
  step('applied by the worker');
  const deps = reanalysisDeps(env, db);
  for (const cutoff of CUTOFFS) {
    await reanalyze(deps, cutoff);
    step(`look ${cutoff}`);
  }
  await writeQuarterlyReport(db, CUTOFFS.at(-1) ?? '', join(reportsDir, CUTOFFS.at(-1) ?? ''), { smallCellMin: env.SMALL_CELL_MIN, pdf: false });
  await upsertUser(db, 'investigator@example.org', 'investigator', PASSWORD);
  await upsertUser(db, 'data-manager@example.org', 'data-manager', PASSWORD);
  await mkdir(OUT, { recursive: true });
  browser = await chromium.launch({ executablePath: DEFAULT_CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS] });
  /** Pages to shoot: path, file, and what to do on the page before the picture (a form to submit). */
  type Shot = readonly [string, string, ((page: Page) => Promise<void>)?];
  const shoot = async (email: string | null, shots: readonly Shot[]) => {
    const context = await (browser as Browser).newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/login`);
    if (email !== null) {
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL(`${base}/`);
    }
    for (const [path, file, before] of shots) {
      const response = await page.goto(`${base}${path}`);
      if (response?.status() !== 200) throw new Error(`${path} answered ${response?.status() ?? 'nothing'}`);
      if (before !== undefined) await before(page);
      await page.screenshot({ path: join(OUT, file), fullPage: true });
      step(`${file}`);
    }
    await context.close();
  };
  await shoot(null, [['/login', 'login.png']]);
  // The signal shown: a boundary crossing if the looks made one, else the first signal they opened.
  const signals = await db.selectFrom('signals').select(['id', 'rule']).orderBy('id').execute();
  const signal = signals.find((s) => s.rule === 'boundary') ?? signals[0];
  if (signal === undefined) throw new Error('the looks opened no signal: nothing to show on /signals');
  step(`${signals.length} signals; showing #${signal.id} (${signal.rule})`);
  await shoot('investigator@example.org', [
    ['/', 'overview.png'], ['/estimands/group1/pfs', 'estimand-group1-pfs.png'], ['/signals', 'signals.png'],
    [`/signals/${signal.id}`, 'signal.png', async (page) => {
      await page.getByLabel('Comment (what you are assessing)').fill('Reviewing with the trial statistician before the DSMB meeting.');
      await page.getByRole('button', { name: 'Acknowledge' }).click();
      await page.waitForURL(`${base}/signals/${signal.id}`);
    }],
    ['/looks', 'looks.png'], ['/plan', 'plan.png'],
  ]);
  await shoot('data-manager@example.org', [['/data-quality', 'data-quality.png']]);
  await app.close();
  await worker.stop();
} finally {
  await browser?.close();
  await queue.close();
  redis.disconnect();
  await db.destroy();
  await rm(reportsDir, { recursive: true, force: true });
  const admin = new pg.Client({ connectionString: env.DATABASE_URL.replace(/\/[^/]*$/, '/postgres') });
  await admin.connect();
  await admin.query(`drop database if exists ${admin.escapeIdentifier(url.pathname.slice(1))} with (force)`);
  await admin.end();
  const { deleteKeysWithPrefix } = await import('../test/helpers/redis.ts');
  await deleteKeysWithPrefix(env.REDIS_URL, prefix);
}
