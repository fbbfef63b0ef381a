// Voiding a look withdraws what it did to the signals, through the CLI on a real PostgreSQL: a signal
// the voided look opened goes to `withdrawn`, one it reopened goes back to its state before, each with
// a `withdrawn` audit row by the voiding user carrying the void's reason; the next live look opens
// them again on its own evidence.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/db.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { DEFAULT_PLAN } from '../../src/analysis/plan.ts';
import { runPlan } from '../../src/analysis/runPlan.ts';
import { reanalyze } from '../../src/jobs/reanalysis.ts';
import type { ReanalysisDeps } from '../../src/jobs/reanalysis.ts';
import { dayOf, syntheticCohort } from '../analysis/syntheticCohort.ts';

const run = promisify(execFile);
const BIN = new URL('../../bin/cohortwatch.js', import.meta.url).pathname;
const A = '2017-03-31';
const B = '2017-06-30';
const C = '2017-09-30';
// A strong group 1 effect: the first live look crosses its boundary and opens signals.
const cohort = syntheticCohort({ patients: 600, seed: 5, portLogHr: { group1: Math.log(0.35) } });

interface SignalJson {
  id: number;
  population: string;
  endpoint: string;
  rule: string;
  state: string;
  lastCutoff: string;
  evidence: { cutoff: string };
  history: { by: string; action: string; comment: string }[];
}

describe('voiding a look withdraws the signals it opened and undoes its reopenings (CLI, PostgreSQL)', () => {
  let t: TestDatabase;
  const cli = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { ...process.env, DATABASE_URL: t.url, LOG_LEVEL: 'silent' }, timeout: 60_000 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  };
  const signals = async (...filter: string[]) => JSON.parse((await cli('signals', 'list', '--json', ...filter)).stdout) as SignalJson[];
  const deps = (): ReanalysisDeps => ({
    db: t.db, plan: DEFAULT_PLAN, smallCellMin: 11, alertFrom: 'CohortWatch <alerts@cohortwatch.test>',
    loadDataset: (_db, cutoff) => Promise.resolve(cohort.rowsAt(dayOf(cutoff))),
    runPlan: (rows) => Promise.resolve(runPlan(DEFAULT_PLAN, rows)),
  });

  beforeAll(async () => {
    t = await createTestDatabase('signal_withdrawal');
  });
  afterAll(() => t.drop());

  it('opened by a voided look: withdrawn; reopened by a voided look: back; the next live look opens them again', async () => {
    await reanalyze(deps(), A);
    const opened = await signals();
    expect(opened.length).toBeGreaterThan(0);
    const crossing = opened.find((s) => s.population === 'group1' && s.rule === 'boundary');
    if (crossing === undefined) throw new Error('the first look opened no group 1 boundary signal');
    const id = String(crossing.id);
    expect((await cli('signals', 'ack', id, '--by', 'alice@example.org', '--comment', 'assessing')).code).toBe(0);

    // Void the look that opened them: every one is withdrawn, the acknowledged one too.
    const voidA = await cli('looks', 'void', A, '--reason', 'export had a duplicated centre', '--by', 'ops@example.org');
    expect(voidA).toMatchObject({ code: 0, stderr: '' });
    expect(voidA.stdout).toContain(`${opened.length} signal(s) withdrawn (`);
    expect(voidA.stdout).toContain(`#${id} acknowledged -> withdrawn`);
    const withdrawn = await signals('--state', 'withdrawn');
    expect(withdrawn.map((s) => s.id).sort()).toEqual(opened.map((s) => s.id).sort());
    expect(await signals('--state', 'open')).toEqual([]);
    const one = withdrawn.find((s) => String(s.id) === id);
    expect(one?.history.map((h) => [h.by, h.action])).toEqual([['cohortwatch', 'opened'], ['alice@example.org', 'acknowledged'], ['ops@example.org', 'withdrawn']]);
    expect(one?.history.at(-1)?.comment).toBe(`look at ${A} voided by ops@example.org: export had a duplicated centre; the signal it opened is withdrawn`);
    // A withdrawn signal is not for people to act on: one line, exit 2.
    const ack = await cli('signals', 'ack', id, '--by', 'alice@example.org', '--comment', 'again');
    expect(ack.code).toBe(2);
    expect(ack.stderr.trim().split('\n')).toEqual([`cohortwatch: signal ${id} is withdrawn: cannot acknowledge it (allowed from open)`]);

    // The next live look finds the crossing again and reopens what was withdrawn.
    await reanalyze(deps(), B);
    const reopened = await signals();
    expect(reopened.find((s) => String(s.id) === id)).toMatchObject({ state: 'open', lastCutoff: B, evidence: { cutoff: B } });
    expect((await cli('signals', 'close', id, '--by', 'alice@example.org', '--decision', 'await the final analysis')).code).toBe(0);

    // Voiding that look undoes its reopenings: back to withdrawn (the state before), whatever was done since.
    const voidB = await cli('looks', 'void', B, '--reason', 'cutoff taken twice', '--by', 'ops@example.org');
    expect(voidB).toMatchObject({ code: 0, stderr: '' });
    expect(voidB.stdout).toContain(`#${id} closed -> withdrawn`);
    const back = (await signals()).find((s) => String(s.id) === id);
    expect(back?.state).toBe('withdrawn');
    expect(back?.history.map((h) => h.action)).toEqual(['opened', 'acknowledged', 'withdrawn', 'reopened', 'closed', 'withdrawn']);
    expect(back?.history.at(-1)).toMatchObject({ by: 'ops@example.org' });
    expect(back?.history.at(-1)?.comment).toMatch(new RegExp(`^look at ${B} voided by ops@example.org: cutoff taken twice; its reopening is withdrawn, back to withdrawn; `));
    // Voiding again is refused in one line and changes nothing.
    const again = await cli('looks', 'void', B, '--reason', 'twice', '--by', 'ops@example.org');
    expect(again.code).toBe(2);
    expect((await signals()).find((s) => String(s.id) === id)?.history.length).toBe(6);

    await reanalyze(deps(), C);
    expect((await signals()).find((s) => String(s.id) === id)).toMatchObject({ state: 'open', lastCutoff: C });
    const audit = await t.db.selectFrom('signal_events').select(['action', 'state', 'run_id']).where('signal_id', '=', Number(id)).orderBy('id').execute();
    expect(audit.map((e) => e.state)).toEqual(['open', 'acknowledged', 'withdrawn', 'open', 'closed', 'withdrawn', 'open']);
  }, 180_000);
});
