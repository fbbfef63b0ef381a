// A short demo end to end, exactly as `npm run demo` runs it but with few patients and two looks: the
// embedded PostgreSQL, BullMQ on its PostgreSQL backend, the SMTP catcher, the real workers.
import { chmod, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/config/env.ts';
import { listFiles } from '../../src/demo/demoWorkspace.ts';
import { runDemo } from '../../src/demo/runDemo.ts';
import type { DemoOptions, DemoResult } from '../../src/demo/runDemo.ts';
import { silentProgress } from '../../src/demo/replayProgress.ts';
import { simulateEvents } from '../../src/sim/index.ts';

// A small registry (426 patients, scenario emerging, seed 1) over two early looks: they hold ~110 patients.
const SIMULATION = { scenario: 'emerging', seed: 1, patients: 426 } as const;

describe('cohortwatch demo (short run, embedded services)', () => {
  let root: string;
  let options: DemoOptions;
  let first: DemoResult;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'cw-demo-e2e-'));
    // As root, the embedded server runs as the postgres user, which must be able to reach its data folder.
    await chmod(root, 0o755);
    options = {
      ...SIMULATION, firstLook: '2005-12-31', lastLook: '2006-03-31', pdf: 'last',
      outDir: path.join(root, 'demo-out'), workDir: path.join(root, '.demo'),
      env: loadEnv({}), userServices: {}, progress: silentProgress,
    };
    first = await runDemo(options);
  }, 150_000);
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('replays each quarter through the queue and reanalyses it: one look per quarter, in order', () => {
    expect(first.looks.map((l) => [l.look, l.tick.cutoff])).toEqual([[1, '2005-12-31'], [2, '2006-03-31']]);
    expect(first.looks[0].patients).toBeGreaterThan(20);
    expect(first.looks[1].patients).toBeGreaterThanOrEqual(first.looks[0].patients);
    expect(first.services.join('\n')).toMatch(/embedded server[\s\S]*PostgreSQL backend[\s\S]*catcher/);
  });

  it('writes a report per look, with the PDF of the last', () => {
    expect(first.files).toContain('reports/2005-12-31/report.html');
    expect(first.files).toContain('reports/2006-03-31/report.html');
    expect(first.files).toContain('reports/2006-03-31/report.pdf');
    expect(first.files).not.toContain('reports/2005-12-31/report.pdf');
  });

  // Digests (one per investigator per look) go out only when a look has something new for the
  // reader; these two early looks may have none. Every mail the outbox sent must be a caught .eml.
  it('keeps every mail the outbox delivered as an .eml file caught by the SMTP server', async () => {
    const sent = first.looks.reduce((n, l) => n + l.mailsSent, 0);
    const eml = first.files.filter((f) => f.startsWith('mail/') && f.endsWith('.eml'));
    expect(eml).toHaveLength(sent);
    for (const file of eml) {
      const mail = await simpleParser(await readFile(path.join(first.outDir, file)));
      expect(mail.subject).toMatch(/CohortWatch/);
      expect(mail.messageId).toBeTruthy();
    }
  });

  it('summarises each subgroup\'s PORT HR, z, boundary and repeated CI per look', async () => {
    const csv = await readFile(first.summary.csv, 'utf8');
    const [header, ...rows] = csv.trim().split('\n');
    expect(header.split(',')).toEqual(expect.arrayContaining(['look', 'cutoff', 'population', 'endpoint', 'hr', 'z', 'boundary_z', 'repeated_lower', 'repeated_upper']));
    // Three subgroups x four endpoints x two looks.
    expect(rows).toHaveLength(24);
    const markdown = await readFile(first.summary.markdown, 'utf8');
    expect(markdown).toContain('## Group 1: T1/2, non-TNBC · PFS');
    // Its first lines say what surveillance detected (two early looks of 426 patients: nothing yet).
    expect(first.detections).toEqual([]);
    expect(markdown.split('\n')[2]).toBe('**No primary estimand crossed its boundary in 2 looks: surveillance detected no effect.**');
  });

  it('puts no patient id in any file it writes', async () => {
    const ids = new Set<string>();
    for (const event of simulateEvents(SIMULATION)) ids.add(event.patientId);
    const pattern = /P\d{7}/g;
    for (const file of first.files.filter((f) => !f.endsWith('.pdf'))) {
      const text = await readFile(path.join(first.outDir, file), 'utf8');
      const found = (text.match(pattern) ?? []).filter((m) => ids.has(m));
      expect(found, file).toEqual([]);
    }
    expect(ids.size).toBe(SIMULATION.patients);
  });

  it('starts clean when run again: nothing of the previous run is left', async () => {
    const again = await runDemo({ ...options, lastLook: '2005-12-31', pdf: 'none' });
    expect(again.looks.map((l) => l.look)).toEqual([1]);
    expect(again.files).not.toContain('reports/2006-03-31/report.html');
    expect(again.files.filter((f) => f.endsWith('.pdf'))).toEqual([]);
    expect((await readdir(path.join(again.outDir, 'mail'))).length).toBe(again.looks[0].mailsSent);
    expect(await listFiles(again.outDir)).toEqual(again.files);
  }, 120_000);
});

// A crossing's mail, end to end: a registry of 2,000 patients under the paper's effects, one look at the
// end of 2008 (~12,000 events). Seed 3 is chosen because group 1 PFS crosses at that first look
// (z = -4.99 against a boundary of 4.51 at information 0.38, the calibration's monitorRegistry says; the
// test checks that the demo's real pipeline says the same and mails it).
describe('cohortwatch demo: a look that crosses its boundary', () => {
  let root: string;
  let run: DemoResult;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'cw-demo-cross-'));
    await chmod(root, 0o755);
    run = await runDemo({
      scenario: 'paper', seed: 3, patients: 2000, firstLook: '2008-12-31', lastLook: '2008-12-31', pdf: 'none',
      outDir: path.join(root, 'demo-out'), workDir: path.join(root, '.demo'),
      env: loadEnv({}), userServices: {}, progress: silentProgress,
    });
  }, 300_000);
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('says when and at what HR and z it crossed, first in the summary, and mails it', async () => {
    expect(run.detections).toHaveLength(1);
    const [crossing] = run.detections;
    expect(crossing).toMatchObject({ population: 'group1', endpoint: 'pfs', look: 1, cutoff: '2008-12-31', side: 'benefit' });
    expect(crossing.z).toBeCloseTo(-4.99, 2);
    expect(crossing.boundaryZ).toBeCloseTo(4.51, 2);
    expect(crossing.mailsSent).toBeGreaterThan(0);
    const markdown = await readFile(run.summary.markdown, 'utf8');
    expect(markdown.split('\n')[2]).toMatch(/^\*\*Surveillance detected a benefit of PORT: group 1 \(T1\/2, non-TNBC\) PFS crossed .* at look 1 \(cutoff 2008-12-31\): HR 0\.\d\d, z = -4\.99 against a boundary of ±4\.51/);
    // The look's digests, as the SMTP server received them: the PI's and the group 1 lead's carry the
    // crossing (the TNBC lead's has only group 3's news).
    expect(run.detectionMails).toHaveLength(crossing.mailsSent);
    const crossingMails: string[] = [];
    for (const file of run.detectionMails) {
      expect(path.dirname(file)).toBe(path.join(run.outDir, 'mail'));
      const mail = await simpleParser(await readFile(file));
      expect(crossing.messageIds).toContain(mail.messageId);
      if (/group 1 PFS crossed its boundary for benefit of PORT/.test(mail.text ?? '')) crossingMails.push(file);
    }
    expect(crossingMails).toHaveLength(2);
  });
});
