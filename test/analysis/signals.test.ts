import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS } from '../../src/analysis/plan.ts';
import type { EstimateRecord } from '../../src/analysis/runResult.ts';
import { validityIssues } from '../../src/analysis/alerts/index.ts';
import { asNotEstimable, NotEstimableError } from '../../src/analysis/notEstimable.ts';
import { CoxFitError } from '../../src/stats/cox/index.ts';
import { findingSentence, personTransition, reminderDue, signalChanges, SignalTransitionError, withdrawal } from '../../src/analysis/signals/index.ts';
import type { LookAlert, SignalEvidence, SignalRecord, StoredSignalEvent } from '../../src/analysis/signals/index.ts';

const estimate = (over: Partial<EstimateRecord> = {}): EstimateRecord => ({
  population: 'group1', endpoint: 'pfs', model: 'monitoring', term: 'port', primary: true, n: 300, events: 150, eventsPort: 60, eventsPtr: 90,
  coef: Math.log(0.55), se: 0.16, hr: 0.55, lower: 0.4, upper: 0.75, z: -3.7, p: 0.0002,
  informationFraction: 0.8, boundaryZ: 2.9, repeatedLower: 0.35, repeatedUpper: 0.86,
  details: { ruleState: { boundaryAlerted: true, excludedPaper: false, validityIssues: [] } }, ...over,
});
const alert = (over: Partial<LookAlert> = {}): LookAlert => ({ id: 'al-1', population: 'group1', endpoint: 'pfs', rule: 'boundary', status: 'fired', summary: 'crossed', ...over });
const look = (alerts: LookAlert[], signals: SignalRecord[], estimates = [estimate()], n = 3) =>
  signalChanges({ look: n, cutoff: '2020-12-31', planVersion: 'p', alerts, estimates, looks: [], signals });
const signal = (over: Partial<SignalRecord>): SignalRecord => ({
  id: 7, population: 'group1', endpoint: 'pfs', rule: 'boundary', state: 'closed', openedAtCutoff: '2019-12-31', lastCutoff: '2019-12-31',
  evidence: { excludesPaper: null } as SignalEvidence, ...over,
});

describe('signal lifecycle', () => {
  it('open -> acknowledged -> closed; a closed signal can be reopened; impossible transitions are refused', () => {
    expect(personTransition(1, 'open', 'ack')).toEqual({ state: 'acknowledged', audit: 'acknowledged' });
    expect(personTransition(1, 'acknowledged', 'close')).toEqual({ state: 'closed', audit: 'closed' });
    expect(personTransition(1, 'open', 'close').state).toBe('closed');
    expect(personTransition(1, 'closed', 'reopen')).toEqual({ state: 'open', audit: 'reopened' });
    expect(() => personTransition(1, 'closed', 'ack')).toThrow(SignalTransitionError);
    expect(() => personTransition(1, 'acknowledged', 'ack')).toThrow(/signal 1 is acknowledged: cannot acknowledge/);
    expect(() => personTransition(1, 'closed', 'close')).toThrow(SignalTransitionError);
    expect(() => personTransition(1, 'open', 'reopen')).toThrow(SignalTransitionError);
  });

  it('a fired effect alert or state change opens a signal; held effect alerts and validity alerts never do', () => {
    const changes = look([
      alert(), alert({ id: 'al-2', rule: 'state', summary: 'monitoring started' }),
      alert({ id: 'al-3', rule: 'drift', status: 'held' }), alert({ id: 'al-4', rule: 'validity' }),
    ], []);
    expect(changes.map((c) => [c.rule, c.from, c.to, c.audit])).toEqual([['boundary', null, 'open', 'opened'], ['state', null, 'open', 'opened']]);
    expect(changes[0].evidence).toMatchObject({ hr: 0.55, repeatedLower: 0.35, repeatedUpper: 0.86, events: 150, look: 3, cutoff: '2020-12-31', alertId: 'al-1' });
  });

  it('new evidence at a later look reopens an acknowledged or closed signal and updates an open one', () => {
    expect(look([alert()], [signal({ state: 'closed' })])[0]).toMatchObject({ signalId: 7, from: 'closed', to: 'open', audit: 'reopened' });
    expect(look([alert()], [signal({ state: 'acknowledged' })])[0]).toMatchObject({ from: 'acknowledged', to: 'open', audit: 'reopened' });
    expect(look([alert()], [signal({ state: 'open' })])[0]).toMatchObject({ from: 'open', to: 'open', audit: 'updated' });
    expect(look([], [signal({ state: 'closed' })])).toEqual([]);
  });

  it('a departure signal whose repeated CI includes the published HR again is reopened (the rule itself is silent then)', () => {
    const departed = signal({ rule: 'departure', state: 'closed', evidence: { excludesPaper: true, alertId: 'al-9' } as SignalEvidence });
    // Group 1 PFS published HR 0.57: inside 0.35-0.86 now.
    const [change] = look([], [departed]);
    expect(change).toMatchObject({ signalId: 7, to: 'open', audit: 'reopened' });
    expect(change.evidence.excludesPaper).toBe(false);
    expect(look([], [departed], [estimate({ repeatedLower: 0.3, repeatedUpper: 0.5 })])).toEqual([]);
  });

  it('the finding reads as a sentence with direction and the repeated CI at its level', () => {
    const e = { hr: 0.55, repeatedLower: 0.4, repeatedUpper: 0.76, alpha: 0.05 / 6, lower: 0.44, upper: 0.69 } as SignalEvidence;
    expect(findingSentence('group1', 'pfs', e)).toBe(
      'In group 1 (T1/2, non-TNBC), PORT patients had a lower hazard of progression or death than patients with PTR alone: HR 0.55, repeated 99.2% CI 0.40-0.76.');
    expect(findingSentence('group3', 'os', { ...e, hr: 1.8, repeatedLower: 1.2, repeatedUpper: 2.7 })).toMatch(/^In group 3 \(TNBC\), PORT patients had a higher hazard of death/);
    expect(findingSentence('group2', 'os', { ...e, hr: 1.2, repeatedLower: null, repeatedUpper: null, lower: 0.7, upper: 2.1 })).toBe(
      'In group 2 (T3/4, non-TNBC), the hazard of death did not differ clearly between PORT patients and patients with PTR alone: HR 1.20, 95% CI 0.70-2.10 (not adjusted for repeated looks: no alpha spent yet).');
  });

  it('reminders: open and unacknowledged past the configured days, once per look', () => {
    const openSince = new Date('2026-01-01T00:00:00Z');
    expect(reminderDue({ state: 'open', openSince, now: new Date('2026-01-16T00:00:00Z'), days: 14, remindedAtThisLook: false })).toBe(true);
    expect(reminderDue({ state: 'open', openSince, now: new Date('2026-01-10T00:00:00Z'), days: 14, remindedAtThisLook: false })).toBe(false);
    expect(reminderDue({ state: 'open', openSince, now: new Date('2026-01-16T00:00:00Z'), days: 14, remindedAtThisLook: true })).toBe(false);
    expect(reminderDue({ state: 'acknowledged', openSince, now: new Date('2026-02-16T00:00:00Z'), days: 14, remindedAtThisLook: false })).toBe(false);
  });
});

describe('voiding a look withdraws what it did to the signals', () => {
  const ev = (cutoff: string) => ({ cutoff } as SignalEvidence);
  const row = (action: StoredSignalEvent['action'], runId: number | null, state: StoredSignalEvent['state'], cutoff: string | null = null): StoredSignalEvent =>
    ({ action, runId, cutoff, state, evidence: runId !== null && action !== 'withdrawn' && action !== 'reminded' && cutoff !== null ? ev(cutoff) : null });
  const voided = (runId: number, voidedRuns: number[] = []) => ({ runId, cutoff: '2020-06-30', by: 'ops', reason: 'bad export', voidedRuns: new Set(voidedRuns) });

  it('opened: withdrawn; reopened: back to the state before, with the earlier evidence; updated: open, earlier evidence', () => {
    expect(withdrawal([row('opened', 1, 'open', '2019-12-31'), row('acknowledged', null, 'acknowledged')], voided(1))).toMatchObject({ state: 'withdrawn', restore: null });
    const reopened = [row('opened', 1, 'open', '2019-12-31'), row('acknowledged', null, 'acknowledged'), row('reopened', 2, 'open', '2020-06-30'), row('closed', null, 'closed')];
    const w = withdrawal(reopened, voided(2));
    expect(w).toMatchObject({ state: 'acknowledged', restore: { cutoff: '2019-12-31', evidence: { cutoff: '2019-12-31' } } });
    expect(w?.comment).toBe('look at 2020-06-30 voided by ops: bad export; its reopening is withdrawn, back to acknowledged; the evidence of the look at 2019-12-31 is restored');
    const updated = [row('opened', 1, 'open', '2019-12-31'), row('reminded', 2, 'open', '2020-03-31'), row('updated', 3, 'open', '2020-06-30'), row('acknowledged', null, 'acknowledged')];
    expect(withdrawal(updated, voided(3))).toMatchObject({ state: 'open', restore: { cutoff: '2019-12-31' } });
  });

  it('rows without a recorded state are replayed; evidence of voided looks is never restored; a later live look keeps the signal as it is', () => {
    const legacy = [{ ...row('opened', 1, null, '2019-12-31'), evidence: null }, row('closed', null, null), row('reopened', 2, 'open', '2020-06-30')];
    expect(withdrawal(legacy, voided(2))).toMatchObject({ state: 'closed', restore: null });
    expect(withdrawal(legacy, voided(2))?.comment).toMatch(/no earlier live look's evidence is on record/);
    const afterVoid = [row('opened', 1, 'open', '2019-12-31'), row('withdrawn', 1, 'withdrawn'), row('reopened', 2, 'open', '2020-03-31')];
    expect(withdrawal(afterVoid, voided(2, [1]))).toMatchObject({ state: 'withdrawn', restore: null });
    const later = [row('opened', 1, 'open', '2019-12-31'), row('updated', 2, 'open', '2020-03-31')];
    expect(withdrawal(later, voided(1))).toBeNull();
    expect(withdrawal(later, voided(1, [2]))).toMatchObject({ state: 'withdrawn' });
    expect(withdrawal(later, voided(9))).toBeNull();
  });

  it('a withdrawn signal is reopened by new evidence, and people cannot act on it', () => {
    expect(look([alert()], [signal({ state: 'withdrawn' })])[0]).toMatchObject({ from: 'withdrawn', to: 'open', audit: 'reopened' });
    for (const action of ['ack', 'close', 'reopen'] as const) expect(() => personTransition(7, 'withdrawn', action)).toThrow(SignalTransitionError);
  });
});

describe('failures are typed and fail closed', () => {
  it('a validity check that could not be computed holds effect alerts', () => {
    const ok = { phP: 0.5, firth: false, maxAbsSmdWeighted: 0.05, essFraction: 0.9 };
    expect(validityIssues(ok, 100, DEFAULT_THRESHOLDS)).toEqual([]);
    expect(validityIssues({ ...ok, phP: null, notComputed: ['PH test: singular'] }, 100, DEFAULT_THRESHOLDS)).toEqual(['validity-not-computed']);
    expect(validityIssues({ ...ok, maxAbsSmdWeighted: null, essFraction: null, notComputed: ['propensity model: separated'] }, 100, DEFAULT_THRESHOLDS)).toEqual(['validity-not-computed']);
  });

  it('data problems of the numerics become NotEstimableError with a reason; anything else is not one', () => {
    expect(asNotEstimable(new CoxFitError('X matrix deemed to be singular: a, b'))).toMatchObject({ reason: 'singular-design' });
    expect(asNotEstimable(new CoxFitError('no events in the data: the Cox model cannot be estimated'))).toMatchObject({ reason: 'no-events' });
    expect(asNotEstimable(new CoxFitError('the Cox fit overflowed (non-finite log-likelihood)'))).toMatchObject({ reason: 'monotone-likelihood' });
    expect(asNotEstimable(new NotEstimableError('no-events-in-arm', 'x'))).toBeInstanceOf(NotEstimableError);
    expect(asNotEstimable(new TypeError('cannot read properties of undefined'))).toBeNull();
    expect(asNotEstimable(new Error('bug'))).toBeNull();
  });
});
