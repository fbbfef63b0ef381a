import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/db.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { startSmtpSink } from '../notify/smtpSink.ts';
import type { SmtpSink } from '../notify/smtpSink.ts';
import { simulateEvents } from '../../src/sim/index.ts';
import { payloadHash, validateEvent } from '../../src/contract/index.ts';
import { cli } from '../support/cliProcess.ts';


describe('cohortwatch investigators and reanalyze (end to end on simulated events)', () => {
  let t: TestDatabase;
  let sink: SmtpSink;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    t = await createTestDatabase('analysis_cli');
    sink = await startSmtpSink();
    env = { DATABASE_URL: t.url, SMTP_URL: sink.url, ALERT_FROM: 'CohortWatch <alerts@cohortwatch.test>', LOG_LEVEL: 'silent' };
    // The paper-sized registry, validated by the contract and stored in the pipeline's event log in bulk
    // (the reanalysis reads the log as of its cutoff; per-event timeline rebuilds are not needed here).
    const seen = new Set<string>();
    const rows = [];
    for (const raw of simulateEvents({ seed: 42, patients: 426, adminEnd: '2018-06-30' })) {
      const checked = validateEvent(raw);
      if (!checked.ok || seen.has(checked.event.eventId)) continue;
      seen.add(checked.event.eventId);
      const e = checked.event;
      rows.push({
        event_id: e.eventId, patient_id: e.patientId, type: e.type, occurred_on: e.occurredOn, reported_at: e.reportedAt,
        centre: e.centre ?? null, payload: JSON.stringify(e), payload_hash: payloadHash(e),
      });
    }
    for (let i = 0; i < rows.length; i += 1000) await t.db.insertInto('follow_up_events').values(rows.slice(i, i + 1000)).execute();
  }, 120_000);
  afterAll(async () => {
    await sink.close();
    await t.drop();
  });

  it('adds, lists and removes investigators; bad input exits 2 and changes nothing', async () => {
    expect((await cli(env, 'investigators', 'add', 'ana@example.org', '--name', 'Ana', '--subscribe', 'group1:*,group2:pfs')).code).toBe(0);
    expect((await cli(env, 'investigators', 'add', 'all@example.org', '--name', 'All')).code).toBe(0);
    const bad = await cli(env, 'investigators', 'add', 'x@example.org', '--name', 'X', '--subscribe', 'group9:os');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown population "group9"/);
    const listed = JSON.parse((await cli(env, 'investigators', 'list', '--json')).stdout) as { email: string; subscriptions: unknown[] }[];
    expect(listed.map((p) => p.email)).toEqual(['all@example.org', 'ana@example.org']);
    expect(listed[1].subscriptions).toEqual([{ population: 'group1', endpoint: '*' }, { population: 'group2', endpoint: 'pfs' }]);
    expect((await cli(env, 'investigators', 'remove', 'nobody@example.org')).code).toBe(2);
  });

  it('reanalyze --inline stores the run and prints its summary; the same cutoff again recomputes nothing', async () => {
    const first = await cli(env, 'reanalyze', '--inline', '--as-of', '2017-06-30');
    expect(first.code).toBe(0);
    const summary = JSON.parse(first.stdout) as { runId: number; look: number; created: boolean; patients: number; datasetHash: string; mails: { pending: number } };
    expect(summary).toMatchObject({ look: 1, created: true, mails: { pending: 0 } });
    expect(summary.patients).toBeGreaterThan(300);
    expect(summary.datasetHash).toMatch(/^[0-9a-f]{64}$/);
    const again = JSON.parse((await cli(env, 'reanalyze', '--inline', '--as-of', '2017-06-30')).stdout) as { runId: number; created: boolean };
    expect(again).toMatchObject({ runId: summary.runId, created: false });
    const estimates = await t.db.selectFrom('analysis_estimates').select(['population', 'endpoint']).where('run_id', '=', summary.runId)
      .where('model', '=', 'monitoring').where('term', '=', 'port').execute();
    expect(estimates).toHaveLength(16);
    for (const mail of sink.received) expect(`${mail.text ?? ''}${typeof mail.html === 'string' ? mail.html : ''}`).not.toMatch(/"patientId"|\bpt-|P\d{5,}/);
  });

  it('report writes a self-contained HTML report and its tables, with no patient id or patient date', async () => {
    const out = mkdtempSync(join(tmpdir(), 'cw-report-'));
    try {
      const result = await cli(env, 'report', '--as-of', '2017-06-30', '--out', out, '--no-pdf');
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const html = readFileSync(join(out, 'report.html'), 'utf8');
      expect(html).toContain('<svg');
      expect(html).toContain('2017-06-30');
      const patientIds = new Set<string>();
      for (const raw of simulateEvents({ seed: 42, patients: 426, adminEnd: '2018-06-30' })) patientIds.add(raw.patientId);
      const texts = [html, ...readdirSync(join(out, 'tables')).map((f) => readFileSync(join(out, 'tables', f), 'utf8'))];
      for (const text of texts) {
        expect(text).not.toMatch(/\bP\d{7}\b/);
        for (const id of [...patientIds].slice(0, 50)) expect(text).not.toContain(id);
      }
      expect(readdirSync(join(out, 'tables')).some((f) => f.endsWith('.csv'))).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('report of a cutoff never analysed exits 2 with a hint', async () => {
    const result = await cli(env, 'report', '--as-of', '2016-06-30', '--out', join(tmpdir(), 'cw-none'), '--no-pdf');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no completed analysis run for cutoff 2016-06-30/);
  });

  it('rejects a bad cutoff with exit 2', async () => {
    const bad = await cli(env, 'reanalyze', '--inline', '--as-of', '2017-02-30');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/invalid cutoff "2017-02-30"/);
  });
});
