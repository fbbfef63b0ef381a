// End to end: a simulated registry posted through the API, applied by a real worker, two looks run
// (the inline reanalysis path), then an investigator walks every page in headless Chromium and
// acknowledges and closes a signal the looks opened, the audit trail is read in PostgreSQL and by an
// admin on /audit, and a data manager reads the data-quality page. No JavaScript runs on any page and
// the CSP is never violated (Chromium reports violations on the console).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { loadEnv } from '../../src/config/env.ts';
import { reanalysisDeps } from '../../src/jobs/analysisService.ts';
import { writeQuarterlyReport } from '../../src/jobs/quarterlyReport.ts';
import { reanalyze } from '../../src/jobs/reanalysis.ts';
import { CHROMIUM_ARGS, DEFAULT_CHROMIUM_PATH, chromiumAvailable } from '../../src/jobs/report/index.ts';
import { buildServer } from '../../src/server/buildServer.ts';
import { createApiKey } from '../../src/server/security/apiKeys.ts';
import { upsertUser } from '../../src/server/security/users.ts';
import { healthCheck } from '../../src/server/startServer.ts';
import { createFollowUpQueue } from '../../src/workers/queue.ts';
import type { FollowUpQueue } from '../../src/workers/queue.ts';
import { startWorkerService } from '../../src/workers/workerService.ts';
import type { WorkerService } from '../../src/workers/workerService.ts';
import { createTestDatabase } from '../helpers/db.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { testQueuePrefix } from '../helpers/redis.ts';
import type { TestQueuePrefix } from '../helpers/redis.ts';
import { postRegistry, waitUntilApplied } from './support/registryThroughApi.ts';
import type { PostSummary } from './support/registryThroughApi.ts';

const PASSWORD = 'end-to-end password 1';
const CUTOFFS = ['2014-12-31', '2018-12-31'];
/**
 * A small registry keeps the test lean (the worker applying the events is most of its time). With this
 * seed and size the looks open two monitoring-state signals (group 2 PFS at the first look, group 1 PFS
 * at the second); the first test checks that one is open before the pages are walked.
 */
const REGISTRY = { seed: 5, patients: 80, scenario: 'emerging', adminEnd: CUTOFFS[1] } as const;
const COMMENT = 'Reviewing with the trial statistician <b>before</b> the DSMB';
const DECISION = 'DSMB informed; monitoring continues unchanged';
/** The simulator's pseudonymous patient ids. */
const PATIENT_ID = /P\d{7}/;

let t: TestDatabase;
let prefix: TestQueuePrefix;
let queue: FollowUpQueue;
let redis: Redis;
let worker: WorkerService;
let app: FastifyInstance;
let base: string;
let browser: Browser;
let reportsDir: string;
let posted: PostSummary;
let closedSignal: number | undefined;
const consoleMessages: string[] = [];

beforeAll(async () => {
  if (!(await chromiumAvailable())) throw new Error(`Debian chromium is required at ${DEFAULT_CHROMIUM_PATH} (apt-get install chromium)`);
  t = await createTestDatabase('serve_e2e');
  prefix = testQueuePrefix('serve-e2e');
  const queueConfig = { redisUrl: prefix.redisUrl, prefix: prefix.prefix, attempts: 3, backoffMs: 100 };
  queue = createFollowUpQueue(queueConfig);
  redis = new Redis(prefix.redisUrl, { maxRetriesPerRequest: 1 });
  reportsDir = await mkdtemp(join(tmpdir(), 'cw-serve-reports-'));
  const logger = pino({ level: 'silent' });
  worker = await startWorkerService({ db: t.db, queue: queueConfig, logger, concurrency: 8, metricsPort: null, shutdownTimeoutMs: 5000 });
  app = await buildServer({
    db: t.db, queue, redis, logger, health: healthCheck(t.db, queue),
    config: {
      sessionSecret: 'e2e-secret-0123456789abcdef0123456789', sessionTtlMs: 3_600_000, cookieSecure: false, bodyLimitBytes: 16 * 1024 * 1024,
      apiRatePerMinute: 1000, loginRatePerMinute: 100, reportsDir, trustProxy: false, smallCellMin: 11, rateLimitNamespace: `${prefix.prefix}:rate:`, enqueueTimeoutMs: 10_000,
    },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;

  const key = await createApiKey(t.db, 'registry producer', ['events:write']);
  posted = await postRegistry(base, key.key, REGISTRY);
  // A hostile event from the producer, for the data-quality page.
  await fetch(`${base}/api/v1/events`, {
    method: 'POST', headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' },
    body: JSON.stringify([{ eventId: 'hostile-1', patientId: 'P9999999', type: '<script>alert(1)</script>', occurredOn: '2015-01-01', reportedAt: '2015-01-02T00:00:00Z' }]),
  });
  await waitUntilApplied(t.db, posted.queuedIds, 400_000);
  const deps = reanalysisDeps(loadEnv({}), t.db);
  for (const cutoff of CUTOFFS) await reanalyze(deps, cutoff);
  await writeQuarterlyReport(t.db, CUTOFFS[1], join(reportsDir, CUTOFFS[1]), { smallCellMin: 11, pdf: false });
  await upsertUser(t.db, 'investigator@example.org', 'investigator', PASSWORD);
  await upsertUser(t.db, 'data@example.org', 'data-manager', PASSWORD);
  await upsertUser(t.db, 'admin@example.org', 'admin', PASSWORD);
  browser = await chromium.launch({ executablePath: DEFAULT_CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS] });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await worker?.stop();
  await queue?.close();
  redis?.disconnect();
  await prefix?.cleanup();
  await t?.drop();
  if (reportsDir) await rm(reportsDir, { recursive: true, force: true });
});

async function logIn(page: Page, email: string): Promise<void> {
  await page.goto(`${base}/`);
  expect(new URL(page.url()).pathname).toBe('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${base}/`);
}

describe('cohortwatch serve end to end', () => {
  it('took the simulated registry through the API and the worker', async () => {
    expect(posted.posted).toBeGreaterThan(1000);
    expect(posted.queued).toBeGreaterThan(1000);
    // The simulator resends some events, as registries do: answered "duplicate", never stored twice.
    expect(posted.queued + posted.duplicate).toBe(posted.posted);
    expect(posted.rejected).toBe(0);
    const stored = await t.db.selectFrom('follow_up_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(stored.n).toBe(posted.queued);
    const runs = await t.db.selectFrom('analysis_runs').select(['cutoff', 'status']).orderBy('cutoff').execute();
    expect(runs).toEqual(CUTOFFS.map((cutoff) => ({ cutoff, status: 'completed' })));
    // The looks opened a signal for the investigator to act on.
    const open = await t.db.selectFrom('signals').select(['id', 'state']).where('state', '=', 'open').orderBy('id').execute();
    expect(open.length).toBeGreaterThanOrEqual(1);
  });

  it('an investigator walks every page without JavaScript, sees no patient id, and is kept out of the rest', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, acceptDownloads: true });
    const page = await context.newPage();
    page.on('console', (m) => consoleMessages.push(`${m.type()}: ${m.text()}`));
    await logIn(page, 'investigator@example.org');

    expect(await page.locator('h1').textContent()).toBe('Overview');
    expect(await page.locator('main').textContent()).toContain(`cutoff ${CUTOFFS[1]}`);
    // Six primary estimands, each with its z path drawn by the report's renderer.
    expect(await page.locator('li.tile.primary').count()).toBe(6);
    expect(await page.locator('li.tile.primary svg[role="img"]').count()).toBeGreaterThanOrEqual(1);
    const pages: string[] = [await page.content()];

    await page.getByRole('link', { name: /Group 1.*(PFS|Progression)/ }).first().click();
    expect(new URL(page.url()).pathname).toBe('/estimands/group1/pfs');
    expect(await page.locator('table caption').first().textContent()).toMatch(/Hazard ratio path/);
    expect(await page.locator('tbody tr').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('figure svg').count()).toBeGreaterThanOrEqual(2);
    pages.push(await page.content());

    await page.getByRole('link', { name: 'Looks' }).click();
    expect(await page.locator('h1').textContent()).toBe('Looks');
    expect(await page.locator('tbody tr').count()).toBe(2);
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: `HTML report of ${CUTOFFS[1]}` }).click();
    expect((await download).suggestedFilename()).toBe(`cohortwatch-report-${CUTOFFS[1]}.html`);
    pages.push(await page.content());

    await page.getByRole('link', { name: 'Plan' }).click();
    expect(await page.locator('h1').textContent()).toBe('Analysis plan');
    pages.push(await page.content());

    for (const path of ['/estimands/all/os', '/estimands/group3/dp', '/estimands/group2/lrr']) {
      await page.goto(`${base}${path}`);
      pages.push(await page.content());
    }
    // The signals list, one signal, then acknowledge and close it through the forms.
    const signal = await t.db.selectFrom('signals').select(['id', 'population', 'endpoint']).where('state', '=', 'open').orderBy('id').executeTakeFirstOrThrow();
    await page.getByRole('link', { name: 'Signals' }).click();
    expect(await page.locator('h1').textContent()).toBe('Signals');
    pages.push(await page.content());
    await page.getByRole('link', { name: `#${signal.id}`, exact: true }).click();
    expect(new URL(page.url()).pathname).toBe(`/signals/${signal.id}`);
    expect(await page.locator('.validity .tag').first().textContent()).toBe('open');
    pages.push(await page.content());
    await page.getByLabel('Comment (what you are assessing)').fill(COMMENT);
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await page.waitForURL(`${base}/signals/${signal.id}`);
    expect(await page.locator('.validity .tag').first().textContent()).toBe('acknowledged');
    expect(await page.getByRole('button', { name: 'Acknowledge' }).count()).toBe(0);
    await page.getByLabel('Decision taken').fill(DECISION);
    await page.getByRole('button', { name: 'Close with this decision' }).click();
    await page.waitForURL(`${base}/signals/${signal.id}`);
    expect(await page.locator('.validity .tag').first().textContent()).toBe('closed');
    const trail = await page.locator('table.history tbody tr').allTextContents();
    expect(trail.at(-2)).toContain(`acknowledgedinvestigator@example.org${COMMENT}`);
    expect(trail.at(-1)).toContain(`closedinvestigator@example.org${DECISION}`);
    pages.push(await page.content());
    closedSignal = signal.id;

    for (const text of pages) expect(text).not.toMatch(PATIENT_ID);
    expect(await page.getByRole('link', { name: 'Data quality' }).count()).toBe(0);
    expect((await page.goto(`${base}/data-quality`))?.status()).toBe(403);
    expect((await page.goto(`${base}/audit`))?.status()).toBe(403);

    await page.goto(`${base}/`);
    await page.getByRole('button', { name: 'Log out' }).click();
    expect(new URL(page.url()).pathname).toBe('/login');
    expect((await page.goto(`${base}/plan`))?.url()).toBe(`${base}/login`);
    await context.close();
  });

  it('the signal\'s audit trail names the investigator in PostgreSQL and on /audit for an admin', async () => {
    expect(closedSignal).toBeDefined();
    const rows = await t.db.selectFrom('signal_events').select(['by', 'action', 'comment', 'run_id'])
      .where('signal_id', '=', closedSignal ?? 0).where('by', '<>', 'cohortwatch').orderBy('id').execute();
    expect(rows).toEqual([
      { by: 'investigator@example.org', action: 'acknowledged', comment: COMMENT, run_id: null },
      { by: 'investigator@example.org', action: 'closed', comment: DECISION, run_id: null },
    ]);
    const state = await t.db.selectFrom('signals').select('state').where('id', '=', closedSignal ?? 0).executeTakeFirstOrThrow();
    expect(state.state).toBe('closed');

    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    page.on('console', (m) => consoleMessages.push(`${m.type()}: ${m.text()}`));
    await logIn(page, 'admin@example.org');
    await page.getByRole('link', { name: 'Audit' }).click();
    expect(await page.locator('h1').textContent()).toBe('Audit');
    const audit = page.locator('table.signal-audit tbody tr');
    // Newest first: the close, then the acknowledgement, both by the investigator who was logged in.
    expect(await audit.nth(0).locator('td').allTextContents()).toEqual([expect.any(String), `#${closedSignal}`, expect.any(String), 'closed', 'investigator@example.org', DECISION]);
    expect(await audit.nth(1).locator('td').allTextContents()).toEqual([expect.any(String), `#${closedSignal}`, expect.any(String), 'acknowledged', 'investigator@example.org', COMMENT]);
    expect(await page.locator('table.access-audit').textContent()).toContain('investigator@example.org');
    await context.close();
  });

  it('a data manager sees rejected events with patient ids, the hostile reason as text', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    page.on('console', (m) => consoleMessages.push(`${m.type()}: ${m.text()}`));
    page.on('dialog', (d) => { consoleMessages.push(`dialog: ${d.message()}`); void d.dismiss(); });
    await logIn(page, 'data@example.org');
    await page.getByRole('link', { name: 'Data quality' }).click();
    const reason = await page.locator('td.reason').first().textContent();
    expect(reason).toContain('<script>alert(1)</script>');
    expect(await page.locator('main').textContent()).toContain('P9999999');
    await context.close();
  });

  it('no page violated the Content-Security-Policy or logged an error', () => {
    // Chromium logs each 4xx navigation; the two 403 pages above are the expected ones.
    const refused = consoleMessages.filter((m) => /status of 403/.test(m));
    expect(refused).toHaveLength(2);
    const others = consoleMessages.filter((m) => !refused.includes(m));
    expect(others, others.join('\n')).toEqual([]);
  });
});
