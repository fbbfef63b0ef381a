// GET /api/v1/monitoring and the monitoring on the dashboard: two real looks of a synthetic registry
// (the reanalysis job with the plan inline), one plan amendment, then the API answer compared with
// `cohortwatch monitoring --json` run on the same database, and the pages read as an investigator.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PLAN } from '../../src/analysis/plan.ts';
import { parsePlanDocument } from '../../src/analysis/planDocument.ts';
import { runPlan } from '../../src/analysis/runPlan.ts';
import type { MonitoringJson } from '../../src/analysis/monitoringJson.ts';
import { voidLook } from '../../src/jobs/looks.ts';
import { amendPlan } from '../../src/jobs/planAmendments.ts';
import { reanalyze } from '../../src/jobs/reanalysis.ts';
import { dayOf, syntheticCohort } from '../analysis/syntheticCohort.ts';
import { startHarness } from './support/serverHarness.ts';
import type { Harness } from './support/serverHarness.ts';

const run = promisify(execFile);
const BIN = new URL('../../bin/cohortwatch.js', import.meta.url).pathname;
const CUTOFFS = ['2012-12-31', '2014-12-31'];
const AMENDED_CUTOFF = '2016-12-31';
const HOSTILE = '<script>alert("amend")</script><img src=x onerror=alert(1)>';

let h: Harness;
let reader: string;
let writer: string;
let investigator: string;

/** One tile of the overview grid, by the estimand its heading links to. */
const tileOf = (body: string, estimand: string) => body.split('<li class="tile').find((t) => t.includes(`<h3><a href="/estimands/${estimand}">`)) ?? '';

const api = (url: string, key = reader) => h.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });

beforeAll(async () => {
  h = await startHarness('serve_monitoring');
  const cohort = syntheticCohort({ patients: 800, seed: 11, portLogHr: { group1: Math.log(0.6) } });
  const deps = {
    db: h.db, plan: DEFAULT_PLAN, smallCellMin: 11, alertFrom: 'CohortWatch <alerts@cohortwatch.test>',
    loadDataset: (_db: unknown, cutoff: string) => Promise.resolve(cohort.rowsAt(dayOf(cutoff))),
    runPlan: (rows: Parameters<typeof runPlan>[1], plan: Parameters<typeof runPlan>[0]) => Promise.resolve(runPlan(plan, rows, { scope: 'alerts' })),
  };
  for (const cutoff of CUTOFFS) await reanalyze(deps, cutoff);
  const parsed = parsePlanDocument({ ...structuredClone(DEFAULT_PLAN.document), version: 'cw-plan-serve-2' });
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  await amendPlan(h.db, DEFAULT_PLAN, { document: parsed.document, effectiveFrom: '2015-01-01', reason: `DSMB request ${HOSTILE}`, by: 'J. Doe' });
  // A look under the amended plan: the same sequence of looks goes on (look 3).
  await reanalyze(deps, AMENDED_CUTOFF);
  reader = (await h.addKey(['monitoring:read'], 'reader')).key;
  writer = (await h.addKey(['events:write'], 'writer')).key;
  await h.addUser('inv@example.org', 'investigator');
  investigator = await h.login('inv@example.org');
}, 300_000);

afterAll(async () => {
  await h?.close();
});

describe('GET /api/v1/monitoring', () => {
  it('answers the JSON of `cohortwatch monitoring --json` for the same date, field for field', async () => {
    const response = await api(`/api/v1/monitoring?asOf=${CUTOFFS[1]}`);
    expect(response.statusCode).toBe(200);
    const body = response.json<MonitoringJson>();
    const { stdout } = await run(process.execPath, [BIN, 'monitoring', '--json', '--as-of', CUTOFFS[1]], {
      env: { ...process.env, DATABASE_URL: h.database.url, LOG_LEVEL: 'warn' },
    });
    expect(body).toEqual(JSON.parse(stdout));
    expect(body.map((e) => `${e.population}/${e.endpoint}`)).toEqual(DEFAULT_PLAN.primary.map((p) => `${p.population}/${p.endpoint}`));
    // Two looks stored for every primary estimand, each with its cumulative alpha.
    for (const e of body) {
      expect(e.looks.map((l) => l.cutoff)).toEqual(CUTOFFS);
      expect(['accruing', 'monitoring', 'futility', 'crossed', 'complete']).toContain(e.state);
    }
    expect(body.some((e) => e.state !== 'accruing' && e.boundaryZ !== null && e.alphaSpent > 0)).toBe(true);
  });

  it('as of a date before the first look: every estimand accruing, no look; the default date is today', async () => {
    const before = (await api('/api/v1/monitoring?asOf=2011-06-30')).json<MonitoringJson>();
    expect(before.every((e) => e.state === 'accruing' && e.looks.length === 0 && e.alphaSpent === 0)).toBe(true);
    const first = (await api(`/api/v1/monitoring?asOf=${CUTOFFS[0]}`)).json<MonitoringJson>();
    expect(first.every((e) => e.looks.length === 1)).toBe(true);
    const today = (await api('/api/v1/monitoring')).json<MonitoringJson>();
    expect(today).toEqual((await api(`/api/v1/monitoring?asOf=${new Date().toISOString().slice(0, 10)}`)).json());
  });

  it('400 with one line for a date that is not YYYY-MM-DD, and for SQL in it; 403 without the scope; 401 without a key', async () => {
    for (const bad of ['2014-02-30', '31/12/2014', 'yesterday', "2014-12-31' or '1'='1", '']) {
      const response = await api(`/api/v1/monitoring?asOf=${encodeURIComponent(bad)}`);
      expect(response.statusCode, bad).toBe(400);
      const message = response.json<{ message: string }>().message;
      expect(message).toMatch(/^asOf must be a calendar date YYYY-MM-DD/);
      expect(message).not.toContain('\n');
    }
    expect((await api('/api/v1/monitoring', writer)).statusCode).toBe(403);
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/monitoring' })).statusCode).toBe(401);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await h.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json<{ paths: Record<string, { get?: { parameters?: { name: string }[] } }> }>();
    expect(doc.paths['/api/v1/monitoring']?.get?.parameters?.map((p) => p.name)).toEqual(['asOf']);
  });
});

describe('monitoring on the dashboard', () => {
  it('the overview shows each primary estimand\'s state from the monitoring report', async () => {
    const monitoring = (await api('/api/v1/monitoring')).json<MonitoringJson>();
    const page = await h.get('/', investigator);
    expect(page.statusCode).toBe(200);
    const table = /<table class="monitoring">[\s\S]*?<\/table>/.exec(page.body)?.[0] ?? '';
    const rows = table.match(/<tr><th scope="row">[\s\S]*?<\/tr>/g) ?? [];
    expect(rows).toHaveLength(monitoring.length);
    monitoring.forEach((e, i) => {
      expect(rows[i]).toContain(`/estimands/${e.population}/${e.endpoint}`);
      expect(rows[i]).toContain(`class="tag state-${e.state}"`);
    });
  });

  it('the estimand page shows the boundary table of the looks so far; a descriptive estimand says it has none', async () => {
    const monitoring = (await api('/api/v1/monitoring')).json<MonitoringJson>();
    const primary = monitoring[0];
    const page = await h.get(`/estimands/${primary.population}/${primary.endpoint}`, investigator);
    const table = /<table class="boundary">[\s\S]*?<\/table>/.exec(page.body)?.[0] ?? '';
    const rows = table.match(/<tbody>[\s\S]*<\/tbody>/)?.[0].match(/<tr/g) ?? [];
    expect(rows).toHaveLength(primary.looks.length);
    for (const look of primary.looks) expect(table).toContain(`<td>${look.cutoff}</td>`);
    expect(table).toContain(primary.looks[1].alphaSpent.toExponential(2));
    const descriptive = await h.get('/estimands/all/lrr', investigator);
    expect(descriptive.body).toContain('has no boundary');
  });

  it('the overview draws every live look in the z paths, under the shipped and the amended plan, each marked with its plan; the estimand page too', async () => {
    const page = await h.get('/', investigator);
    const tile = tileOf(page.body, 'group1/pfs');
    expect(tile).toContain('<figure class="zpath">');
    expect(tile).toContain('Last look</dt><dd>3 (2016-12-31)');
    const caption = /<figcaption>([\s\S]*?)<\/figcaption>/.exec(tile)?.[1] ?? '';
    expect(caption).toContain(`looks 1 and 2 under plan <code>${DEFAULT_PLAN.version}</code>`);
    expect(caption).toContain('look 3 under plan <code>cw-plan-serve-2</code> (amended)');
    // The chart itself has a point per look: its description names both plans.
    expect(tile).toContain(`plans ${DEFAULT_PLAN.version}, then cw-plan-serve-2`);

    const estimand = await h.get('/estimands/group1/pfs', investigator);
    const path = /<caption>Hazard ratio path[\s\S]*?<\/table>/.exec(estimand.body)?.[0] ?? '';
    const rows = path.match(/<tr[ >][\s\S]*?<\/tr>/g)?.slice(1) ?? [];
    expect(rows.map((r) => /<td>(\d+)<\/td><td>([\d-]+)<\/td>/.exec(r)?.slice(1, 3).join(' '))).toEqual(['1 2012-12-31', '2 2014-12-31', `3 ${AMENDED_CUTOFF}`]);
    expect(rows.map((r) => /<td>([^<]*)<\/td><\/tr>$/.exec(r)?.[1])).toEqual([DEFAULT_PLAN.version, DEFAULT_PLAN.version, 'cw-plan-serve-2']);
  });

  it('a voided look leaves the overview and the paths', async () => {
    await voidLook(h.db, { cutoff: AMENDED_CUTOFF, planVersion: 'cw-plan-serve-2', reason: 'test: data reload', by: 'J. Doe' });
    const page = await h.get('/', investigator);
    expect(page.body).toContain(`cutoff ${CUTOFFS[1]}`);
    const tile = tileOf(page.body, 'group1/pfs');
    expect(tile).toContain(`looks 1 and 2 under plan <code>${DEFAULT_PLAN.version}</code>`);
    expect(tile).not.toContain('cw-plan-serve-2');
    const estimand = await h.get('/estimands/group1/pfs', investigator);
    expect(estimand.body).not.toContain(`<td>${AMENDED_CUTOFF}</td>`);
  });

  it('/plan shows the amendment history, the hostile reason as text', async () => {
    const page = await h.get('/plan', investigator);
    expect(page.statusCode).toBe(200);
    const table = /<table class="amendments">[\s\S]*?<\/table>/.exec(page.body)?.[0] ?? '';
    expect(table).toContain(DEFAULT_PLAN.version);
    expect(table).toContain('cw-plan-serve-2');
    expect(table).toContain('2015-01-01');
    expect(table).toContain('J. Doe');
    expect(page.body).not.toContain('<script>alert');
    expect(page.body).not.toContain('<img src=x');
    expect(table).toContain('&lt;script&gt;alert(&quot;amend&quot;)&lt;/script&gt;');
    expect(page.body).toContain('Current plan version <strong>cw-plan-serve-2</strong>');
  });
});
