// The report of a simulated registry through the real path: events in the pipeline's log (hostile ones
// through the worker's applyEvent, so rejections and conflicts are recorded as in production), two
// looks of the real reanalysis job, then buildReportInput and renderReport. Every field the issue
// lists is computed from those data (null only with a reason), and no printed table lets a
// suppressed count be recovered by subtraction.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payloadHash, validateEvent } from '../../src/contract/index.ts';
import { DEFAULT_PLAN } from '../../src/analysis/plan.ts';
import { runPlan } from '../../src/analysis/runPlan.ts';
import { buildReportInput, DatasetChangedError } from '../../src/jobs/buildReportInput.ts';
import { pipelineDataset } from '../../src/jobs/datasetLoader.ts';
import { reanalyze } from '../../src/jobs/reanalysis.ts';
import type { ReanalysisDeps } from '../../src/jobs/reanalysis.ts';
import { renderReport } from '../../src/reports/index.ts';
import type { ReportInput } from '../../src/reports/index.ts';
import type { RenderedReport } from '../../src/reports/renderReport.ts';
import { simulateEvents } from '../../src/sim/index.ts';
import { applyEvent } from '../../src/workers/applyEvent.ts';
import { createTestDatabase } from '../helpers/db.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { addInvestigator, parseSubscriptions } from '../../src/notify/investigators.ts';
import { loadLookRows, lookRowsCsv } from '../../src/demo/lookSummary.ts';
import { recoverableCounts } from '../support/disclosureAudit.ts';
import type { Printed } from '../support/disclosureAudit.ts';
import { changeRelations, countRelations, demoCsvPrintings, digestPrintings, htmlPrintings, reportPrintings } from './printedCounts.ts';
import { COVARIATE_LABEL, ENDPOINT_SHORT, LEVEL_LABEL, POPULATION_LABEL, POPULATION_SHORT } from '../../src/reports/vocabulary.ts';

const WORDS = { population: POPULATION_LABEL, covariate: COVARIATE_LABEL, level: LEVEL_LABEL, endpointShort: ENDPOINT_SHORT, populationShort: POPULATION_SHORT };

const FIRST = '2016-12-31';
const SECOND = '2017-06-30';
const IN_WINDOW = '2017-03-15T10:00:00+00:00';

type Raw = Record<string, unknown> & { eventId: string; patientId: string; type: string; occurredOn: string; reportedAt: string };

/** Hostile events reported between the two cutoffs, each meant to land in one row of the report. */
function hostileEvents(events: readonly Raw[]): Raw[] {
  const registered = events.filter((e) => e.type === 'registration' && e.reportedAt < '2016');
  const dead = events.find((e) => e.type === 'death' && e.reportedAt < '2016');
  const lastContact = events.find((e) => e.type === 'last_contact' && e.reportedAt < '2016');
  if (!dead || !lastContact || registered.length < 3) throw new Error('simulation too small for the hostile events');
  const at = { reportedAt: IN_WINDOW, centre: 'C01' };
  return [
    // Rejected: one per code.
    { eventId: 'h-date', patientId: registered[0].patientId, type: 'last_contact', occurredOn: '2017-02-30', ...at },
    { eventId: 'h-type', patientId: registered[0].patientId, type: 'stroke', occurredOn: '2017-02-01', ...at },
    { eventId: 'h-field', patientId: registered[0].patientId, type: 'last_contact', occurredOn: '2017-02-01', oops: 1, ...at },
    { eventId: 'h-future', patientId: registered[0].patientId, type: 'last_contact', occurredOn: '2017-05-01', ...at },
    // Conflicts: another payload under a stored eventId; dated before PTR; after death; no registration.
    { ...lastContact, occurredOn: '2001-01-01', reportedAt: IN_WINDOW },
    { eventId: 'h-before-ptr', patientId: registered[1].patientId, type: 'last_contact', occurredOn: '1990-01-01', ...at },
    { eventId: 'h-after-death', patientId: dead.patientId, type: 'last_contact', occurredOn: '2017-01-15', ...at },
    { eventId: 'h-orphan', patientId: 'ZZ0000001', type: 'last_contact', occurredOn: '2017-01-15', ...at },
    // A registration retracted: the patient leaves the analysis dataset.
    { eventId: 'h-retract', patientId: registered[2].patientId, type: 'retraction', occurredOn: '2017-03-01', retracts: registered[2].eventId, reason: 'duplicate patient', ...at },
  ] as Raw[];
}

/** The exported tables of a rendered report, as rows of { column: value }. */
function rowsOf(report: RenderedReport, key: string): Record<string, unknown>[] {
  const table = report.tables[key];
  if (table === undefined) throw new Error(`no table ${key}`);
  const names = table.columns.map((c) => c.name);
  return table.rows.map((row) => Object.fromEntries(names.map((n, i) => [n, row[i]])));
}

const hidden = (v: unknown) => typeof v === 'string' && /^(<|>=|\+<|-<|\+>=|->=)\d+$/.test(v);

/**
 * The subtraction audit: for every linear relation between printed counts (across the report's
 * tables), a relation with exactly one hidden cell would give that cell away.
 */
function recoverableCells(report: RenderedReport): string[] {
  const found: string[] = [];
  const check = (what: string, cells: readonly unknown[]) => {
    if (cells.filter(hidden).length === 1) found.push(`${what}: ${JSON.stringify(cells)}`);
  };
  const patients = new Map(rowsOf(report, 'flow-patients').map((r) => [r.measure as string, r.patients]));
  check('patients current = previous + new - removed', ['previous', 'newRegistrations', 'removed', 'current'].map((m) => patients.get(m)));
  check('patients current = sum of groups', ['current', 'group1', 'group2', 'group3', 'unclassified'].map((m) => patients.get(m)));
  for (const r of rowsOf(report, 'flow-events')) check(`events ${String(r.type)}`, [r.received, r.applied, r.rejected, r.conflicting, r.retracted]);
  for (const r of rowsOf(report, 'flow-endpoint-events')) if (r.previous !== null) check(`endpoint events ${String(r.population)}/${String(r.endpoint)}`, [r.previous, r.current, r.change]);
  const categorical = rowsOf(report, 'baseline-categorical');
  for (const a of rowsOf(report, 'baseline-arms')) {
    for (const column of ['ptr', 'port'] as const) {
      for (const covariate of new Set(categorical.filter((c) => c.population === a.population).map((c) => c.covariate))) {
        check(`Table 1 ${String(a.population)} ${String(covariate)} ${column}`, [a[column], ...categorical.filter((c) => c.population === a.population && c.covariate === covariate).map((c) => c[column])]);
      }
    }
  }
  const models = rowsOf(report, 'models').filter((m) => m.analysis === 'monitoring' && m.covariate === 'port');
  for (const f of rowsOf(report, 'forest')) {
    const m = models.find((x) => x.population === f.population && x.endpoint === f.endpoint);
    check(`forest patients ${String(f.population)}/${String(f.endpoint)}`, [m?.patients, f.patientsPtr, f.patientsPort]);
    check(`forest events ${String(f.population)}/${String(f.endpoint)}`, [m?.events, f.eventsPtr, f.eventsPort]);
  }
  check('centres add up to the patients', [patients.get('current'), ...rowsOf(report, 'dq-centres').map((c) => c.patients)]);
  return found;
}

describe('the report of a simulated registry, through the real job and report path', () => {
  let t: TestDatabase;
  let input: ReportInput;

  beforeAll(async () => {
    t = await createTestDatabase('registry_report');
    const events = [...simulateEvents({ seed: 42, patients: 426, adminEnd: '2017-06-30' })] as unknown as Raw[];
    const rows = [];
    for (const raw of events) {
      const checked = validateEvent(raw);
      if (!checked.ok) continue;
      const e = checked.event;
      rows.push({ event_id: e.eventId, patient_id: e.patientId, type: e.type, occurred_on: e.occurredOn, reported_at: e.reportedAt, centre: e.centre ?? null, payload: JSON.stringify(e), payload_hash: payloadHash(e) });
    }
    for (let i = 0; i < rows.length; i += 1000) await t.db.insertInto('follow_up_events').values(rows.slice(i, i + 1000)).onConflict((oc) => oc.doNothing()).execute();
    for (const raw of hostileEvents(events)) await applyEvent(t.db, raw, new Date('2017-07-01T00:00:00Z'));
    // One investigator subscribed to everything: each look's digest prints every estimand's events.
    await addInvestigator(t.db, 'pi@example.org', 'PI', parseSubscriptions(undefined));
    const deps: ReanalysisDeps = {
      db: t.db, plan: DEFAULT_PLAN, smallCellMin: 11, alertFrom: 'CohortWatch <alerts@cohortwatch.test>', loadDataset: pipelineDataset,
      runPlan: (planRows, plan) => Promise.resolve(runPlan(plan, planRows)),
    };
    await reanalyze(deps, FIRST);
    await reanalyze(deps, SECOND);
    input = await buildReportInput(t.db, SECOND, 11);
  }, 240_000);
  afterAll(() => t.drop());

  it('counts the flow from the event log: received = applied + rejected + conflicting + retracted, removed patients', async () => {
    const run = await t.db.selectFrom('analysis_runs').select(['patients']).where('cutoff', '=', SECOND).executeTakeFirstOrThrow();
    expect(input.flow.patientsCurrent).toBe(run.patients);
    expect(input.flow.patientsPrevious + input.flow.newRegistrations - input.flow.removedPatients).toBe(input.flow.patientsCurrent);
    expect(input.flow.removedPatients).toBeGreaterThanOrEqual(1);
    for (const e of input.flow.eventsByType) expect(e.received).toBe(e.applied + e.rejected + e.conflicting + e.retracted);
    const total = (k: 'applied' | 'received' | 'rejected' | 'conflicting') => input.flow.eventsByType.reduce((a, e) => a + e[k], 0);
    expect(total('applied')).toBeGreaterThan(0);
    expect(total('applied')).toBeLessThan(total('received'));
    expect(total('rejected')).toBe(3); // the unknown type has no row of its own
    expect(total('conflicting')).toBeGreaterThanOrEqual(4);
  });

  it('reports every conflict kind and every rejection by its stored code, placed by reportedAt', () => {
    const conflicts = new Map(input.dataQuality.conflictingEvents.map((c) => [c.reason, c]));
    for (const reason of ['payloadMismatch', 'beforePtr', 'afterDeath', 'noRegistration'] as const) expect(conflicts.get(reason)?.sincePrevious, reason).toBeGreaterThanOrEqual(1);
    const rejections = new Map(input.dataQuality.rejectedEvents.map((r) => [r.reason, r]));
    for (const reason of ['invalidDate', 'unknownEventType', 'schema', 'occurredAfterReported'] as const) expect(rejections.get(reason), reason).toEqual({ reason, total: 1, sincePrevious: 1 });
  });

  it('computes every field where the data allow it, and says why where they do not', () => {
    expect(input.meta.dataHash).toMatch(/^[0-9a-f]{64}$/);
    expect(input.followUp.map((f) => f.population)).toEqual(['all', 'group1', 'group2', 'group3']);
    // Reverse-KM quartiles: computed everywhere; the upper one may not be reached in a small subgroup.
    for (const f of input.followUp) for (const v of [f.medianMonths, f.q1Months]) expect(v, JSON.stringify(f)).toBeGreaterThan(0);
    expect(input.followUp.find((f) => f.population === 'all')?.q3Months).toBeGreaterThan(0);
    for (const set of [...input.survival, ...input.incidence]) {
      expect(set.comparison.test).toBe(set.kind === 'survival' ? 'logRank' : 'gray');
      if (set.comparison.p === null) expect(set.comparison.notComputed).toMatch(/\w/);
      else expect(set.comparison.statistic).toBeGreaterThanOrEqual(0);
      // No 0-100% band where the incidence is still 0; the risk table runs under the whole axis.
      for (const arm of set.arms) for (const p of arm.points) if (set.kind === 'incidence' && p.estimate === 0) expect([p.lower, p.upper].every(Number.isNaN)).toBe(true);
      const lastTime = Math.max(...set.arms.map((a) => a.points.at(-1)?.time ?? 0));
      expect(set.riskTable.times.at(-1)).toBeGreaterThanOrEqual(lastTime - 1e-9);
    }
    expect(input.incidence.find((s) => s.population === 'all' && s.endpoint === 'dp')?.comparison.p).not.toBeNull();
    for (const table of input.baseline) {
      for (const row of table.rows) {
        if (row.smd !== null && table.population === 'all') expect(row.smdWeighted, `${table.population} ${row.covariate}`).not.toBeNull();
      }
    }
    for (const path of input.zPaths) expect(path.looks.length > 0 || path.notEstimable !== null).toBe(true);
    // Every estimand of the plan has its forest row or the reason it has none.
    for (const population of ['all', 'group1', 'group2', 'group3'] as const) {
      for (const endpoint of ['os', 'pfs', 'lrr', 'dp'] as const) {
        const shown = input.forest.some((f) => f.population === population && f.endpoint === endpoint);
        const why = input.notEstimated.find((x) => x.population === population && x.endpoint === endpoint);
        expect(shown !== (why !== undefined), `${population}/${endpoint}`).toBe(true);
        if (why) expect(why.reason).toMatch(/\w/);
      }
    }
    for (const a of input.alerts) if (a.evidence.hr === null) expect(a.evidence.notComputed).toMatch(/\w/);
    for (const s of input.sensitivity) if (s.iptw !== null) expect(s.effectiveN).not.toBeNull();
  });

  it('leaves no suppressed count recoverable by subtraction in any printed table, at 11 and at 40', async () => {
    for (const smallCellMin of [11, 40]) {
      const report = await renderReport({ ...input, privacy: { smallCellMin } });
      expect(recoverableCells(report), `smallCellMin ${smallCellMin}`).toEqual([]);
      if (smallCellMin === 40) expect(JSON.stringify(report.tables)).toContain('>=40');
    }
  });

  it('leaves no suppressed count recoverable from everything the looks print together: report tables, digests, demo summary', async () => {
    // The unsuppressed values (smallCellMin 1 hides nothing) check the relations: each holds exactly.
    const truthReport = await renderReport({ ...input, privacy: { smallCellMin: 1 } });
    const lookRows = await loadLookRows(t.db);
    const truth = [...reportPrintings(truthReport, 1), ...htmlPrintings(truthReport.html, 1, WORDS), ...demoCsvPrintings(lookRowsCsv(lookRows, 1), 1, SECOND, FIRST)];
    // The HTML tables are read too (Table 1, flow, forest, missing covariates): hundreds of counts.
    expect(htmlPrintings(truthReport.html, 1, WORDS).length).toBeGreaterThan(300);
    expect(truth.filter((p) => p.where.startsWith('risk table') && p.where.endsWith('month 0')).length).toBeGreaterThan(8);
    const relations = [...countRelations(truth), ...changeRelations(truth, truthReport)];
    const values = new Map<string, Printed>(truth.map((p) => [p.name, p.value]));
    let checked = 0;
    for (const r of relations) {
      const names = Object.keys(r.terms);
      if (!names.every((n) => typeof values.get(n) === 'number')) continue;
      expect(names.reduce((a, n) => a + r.terms[n] * (values.get(n) as number), 0), r.what).toBe(0);
      checked += 1;
    }
    expect(checked).toBeGreaterThan(50);
    expect(recoverableCounts({ smallCellMin: 1, printed: truth, relations })).toEqual([]);
    // The digests were composed at the looks' smallCellMin (11); the report and the demo summary at 11 and 40.
    const runs = await t.db.selectFrom('analysis_runs').select(['id', 'cutoff']).execute();
    const mails = await t.db.selectFrom('mail_outbox').select(['run_id', 'text_body']).where('run_id', 'is not', null).execute();
    expect(mails.length).toBeGreaterThan(0);
    const digests = mails.flatMap((m) => {
      const cutoff = runs.find((r) => r.id === m.run_id)?.cutoff;
      return digestPrintings(m.text_body, 11, `digest of ${String(cutoff)}`).map((p) => (cutoff === SECOND ? p : { ...p, name: p.name.replace(/^events\./, cutoff === FIRST ? 'events.prev.' : `events@${String(cutoff)}.`) }));
    });
    expect(digests.length).toBeGreaterThan(0);
    for (const smallCellMin of [11, 40]) {
      const report = await renderReport({ ...input, privacy: { smallCellMin } });
      const printed = [
        ...reportPrintings(report, smallCellMin),
        ...htmlPrintings(report.html, smallCellMin, WORDS),
        ...(smallCellMin === 11 ? digests : []),
        ...demoCsvPrintings(lookRowsCsv(lookRows, smallCellMin), smallCellMin, SECOND, FIRST),
      ];
      expect(printed.some((p) => p.value === '<')).toBe(true);
      expect(recoverableCounts({ smallCellMin, printed, relations }).map((f) => `${f.name} = ${f.value} (${f.how}; ${f.where})`), `smallCellMin ${smallCellMin}`).toEqual([]);
    }
  });

  it('prints the tests as computed: "log-rank p < 0.001" style, Gray\'s test with every incidence comparison', async () => {
    const report = await renderReport(input);
    expect(report.html).not.toContain('= <0.001');
    expect(report.html).not.toContain('= >0.999');
    expect((report.html.match(/Gray&#39;s test \(Gray 1988\) p/g) ?? []).length).toBeGreaterThanOrEqual(input.incidence.length);
    expect(report.html).toContain('ALND vs SLNB or none');
  });

  it('refuses, in one line, when the data as of the cutoff no longer hash to the run', async () => {
    // An event reported by the cutoff that arrives after the run changes the data of that cutoff.
    const late = { eventId: 'h-late', patientId: 'ZZ0000002', type: 'registration', occurredOn: '2017-01-02', reportedAt: '2017-06-01T10:00:00+00:00', centre: 'C01',
      baseline: { ageAtPtr: 50, tCategory: 'T2', nCategory: 'N1', er: true, pr: true, her2: false, metastasisCount: 1, metastaticBurden: 'single', boneOnly: true, ptrType: 'bcs', axillarySurgery: 'slnb', chemotherapy: 'postop', hormonalTherapy: true, antiHer2: false, allMetastasesTreated: true, port: false, portStartedOn: null } };
    const applied = await applyEvent(t.db, late, new Date('2017-07-01T00:00:00Z'));
    expect(applied.kind).toBe('applied');
    const error = await buildReportInput(t.db, SECOND, 11).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetChangedError);
    expect(String((error as Error).message)).not.toContain('\n');
    expect((error as Error).message).toMatch(/^the data as of 2017-06-30 hash to [0-9a-f]{12}…, not to run \d+'s dataset/);
  });
});
