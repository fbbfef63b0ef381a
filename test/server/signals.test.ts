// The signal lifecycle on the dashboard and the API: an investigator acknowledges and closes a signal
// through the forms (session cookie + CSRF token), each action is stored in signal_events with the
// logged-in user's address; a data manager reads but cannot act; hostile comments and decisions are
// shown as text; GET /api/v1/signals answers the JSON of `cohortwatch signals list --json`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signalAction, SignalInputError } from '../../src/jobs/signalStore.ts';
import { csrfToken, FORM, formBody, HTTPS, startHarness } from './support/serverHarness.ts';
import type { Harness } from './support/serverHarness.ts';

const SCRIPT = '<script>alert("x")</script>';
const IMG = '"><img src=x onerror=alert(1)>';

let h: Harness;
let investigator: string;
let dataManager: string;
let signalId: number;

async function post(url: string, cookie: string, fields: Record<string, string>, token?: string) {
  const csrf = token ?? csrfToken((await h.get(url.replace(/\/[a-z]+$/, ''), cookie)).body);
  return h.app.inject({ method: 'POST', url, headers: { ...HTTPS, ...FORM, cookie }, payload: formBody({ ...fields, _csrf: csrf }) });
}

beforeAll(async () => {
  h = await startHarness('serve_signals');
  await h.addUser('inv@example.org', 'investigator');
  await h.addUser('dm@example.org', 'data-manager');
  investigator = await h.login('inv@example.org');
  dataManager = await h.login('dm@example.org');
  // A signal as a look opens it (applyLookToSignals writes these rows); the evidence is aggregate.
  const evidence = {
    look: 2, cutoff: '2014-12-31', planVersion: 'cw-plan-2', alertId: 'a1', summary: 'group1/pfs crossed the boundary',
    hr: 0.55, lower: 0.42, upper: 0.72, repeatedLower: 0.38, repeatedUpper: 0.8, z: -4.3, boundaryZ: 3.9, informationFraction: 0.62, alpha: 0.0083,
    events: 120, eventsPort: 50, eventsNoPort: 70, monitoringState: 'crossed', paperHr: null, excludesPaper: null, holds: [],
  };
  const row = await h.db.insertInto('signals').values({
    population: 'group1', endpoint: 'pfs', rule: 'boundary', state: 'open', opened_at_cutoff: '2014-12-31', last_cutoff: '2014-12-31', evidence: JSON.stringify(evidence),
  }).returning('id').executeTakeFirstOrThrow();
  signalId = Number(row.id);
  await h.db.insertInto('signal_events').values({ signal_id: signalId, by: 'cohortwatch', action: 'opened', comment: 'look 2: boundary crossed' }).execute();
});

afterAll(async () => {
  await h?.close();
});

const trail = () => h.db.selectFrom('signal_events').select(['by', 'action', 'comment']).where('signal_id', '=', signalId).orderBy('id').execute();

describe('signals on the dashboard', () => {
  it('lists the signal for every role, with a link to its page', async () => {
    for (const cookie of [investigator, dataManager]) {
      const page = await h.get('/signals', cookie);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain(`href="/signals/${signalId}"`);
      expect(page.body).toContain('signal-open');
    }
    expect((await h.get('/signals?state=closed', investigator)).body).toContain('No closed signals.');
    expect((await h.get("/signals?state=open'--", investigator)).statusCode).toBe(400);
    expect((await h.get('/signals/999999', investigator)).statusCode).toBe(404);
    expect((await h.get("/signals/1'%20or%201=1", investigator)).statusCode).toBe(404);
  });

  it('refuses an action without the CSRF token, and a data manager\'s action, changing nothing', async () => {
    const noToken = await h.app.inject({ method: 'POST', url: `/signals/${signalId}/acknowledge`, headers: { ...HTTPS, ...FORM, cookie: investigator }, payload: formBody({ comment: 'x' }) });
    expect(noToken.statusCode).toBe(403);
    const page = await h.get(`/signals/${signalId}`, dataManager);
    expect(page.body).toContain('Your role can read signals');
    expect(page.body).not.toContain('action="/signals/');
    const refused = await post(`/signals/${signalId}/acknowledge`, dataManager, { comment: 'x' }, csrfToken(page.body));
    expect(refused.statusCode).toBe(403);
    expect(await trail()).toHaveLength(1);
  });

  it('an investigator acknowledges, then closes with a decision; each action is audited with their address and shown as text', async () => {
    const ack = await post(`/signals/${signalId}/acknowledge`, investigator, { comment: `reviewing with the statistician ${SCRIPT}` });
    expect(ack.statusCode).toBe(303);
    expect(ack.headers.location).toBe(`/signals/${signalId}`);
    const afterAck = await h.get(`/signals/${signalId}`, investigator);
    expect(afterAck.body).toContain('signal-acknowledged');
    // Acknowledged: the forms are now close and reopen, not acknowledge.
    expect(afterAck.body).not.toContain(`action="/signals/${signalId}/acknowledge"`);
    expect(afterAck.body).toContain(`action="/signals/${signalId}/close"`);

    const close = await post(`/signals/${signalId}/close`, investigator, { decision: `DSMB informed; no change to the protocol ${IMG}` });
    expect(close.statusCode).toBe(303);
    const stored = await h.db.selectFrom('signals').select('state').where('id', '=', signalId).executeTakeFirstOrThrow();
    expect(stored.state).toBe('closed');
    expect(await trail()).toEqual([
      { by: 'cohortwatch', action: 'opened', comment: 'look 2: boundary crossed' },
      { by: 'inv@example.org', action: 'acknowledged', comment: `reviewing with the statistician ${SCRIPT}` },
      { by: 'inv@example.org', action: 'closed', comment: `DSMB informed; no change to the protocol ${IMG}` },
    ]);

    const page = await h.get(`/signals/${signalId}`, investigator);
    expect(page.body).not.toContain(SCRIPT);
    expect(page.body).not.toContain('<img src=x');
    expect(page.body).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(page.body).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(page.body).toContain('signal-closed');
  });

  it('an admin reads each signal action on /audit with the address of who did it, comments and decisions as text', async () => {
    await h.addUser('admin@example.org', 'admin');
    const admin = await h.login('admin@example.org');
    const page = await h.get('/audit', admin);
    expect(page.statusCode).toBe(200);
    const table = /<table class="signal-audit">[\s\S]*?<\/table>/.exec(page.body)?.[0] ?? '';
    const rows = table.match(/<tbody>[\s\S]*<\/tbody>/)?.[0].match(/<tr>[\s\S]*?<\/tr>/g) ?? [];
    const cells = rows.map((r) => [...r.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => m[1]).slice(1));
    expect(cells).toEqual([
      [`<a href="/signals/${signalId}">#${signalId}</a>`, 'Group 1 · PFS', 'closed', 'inv@example.org', 'DSMB informed; no change to the protocol &quot;&gt;&lt;img src=x onerror=alert(1)&gt;'],
      [`<a href="/signals/${signalId}">#${signalId}</a>`, 'Group 1 · PFS', 'acknowledged', 'inv@example.org', 'reviewing with the statistician &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'],
      [`<a href="/signals/${signalId}">#${signalId}</a>`, 'Group 1 · PFS', 'opened', 'cohortwatch', 'look 2: boundary crossed'],
    ]);
    expect(page.body).not.toContain(SCRIPT);
    expect(page.body).not.toContain('<img src=x');
  });

  it('an impossible transition or an empty decision is refused with the reason, changing nothing', async () => {
    const before = await trail();
    const again = await post(`/signals/${signalId}/close`, investigator, { decision: 'twice' });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('cannot close it');
    const empty = await post(`/signals/${signalId}/reopen`, investigator, { comment: '   ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('The comment must not be empty.');
    expect(await trail()).toEqual(before);
    const reopen = await post(`/signals/${signalId}/reopen`, investigator, { comment: 'new data from centre 3' });
    expect(reopen.statusCode).toBe(303);
    expect((await trail()).at(-1)).toEqual({ by: 'inv@example.org', action: 'reopened', comment: 'new data from centre 3' });
  });
});

describe('GET /api/v1/signals', () => {
  it('answers the signals with their audit trail; filters by state; 400 for an unknown state; 403 without monitoring:read', async () => {
    const reader = await h.addKey(['monitoring:read'], 'reader');
    const writer = await h.addKey(['events:write'], 'writer');
    const get = (url: string, key: string) => h.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });
    const all = await get('/api/v1/signals', reader.key);
    expect(all.statusCode).toBe(200);
    const [signal] = all.json<{ id: number; state: string; evidence: { hr: number; events: number }; history: { by: string; action: string }[] }[]>();
    expect(signal.id).toBe(signalId);
    expect(signal.state).toBe('open');
    expect(signal.evidence.hr).toBe(0.55);
    expect(signal.history.map((x) => x.action)).toEqual(['opened', 'acknowledged', 'closed', 'reopened']);
    expect((await get('/api/v1/signals?state=closed', reader.key)).json()).toEqual([]);
    expect((await get('/api/v1/signals?state=bogus', reader.key)).statusCode).toBe(400);
    expect((await get('/api/v1/signals', writer.key)).statusCode).toBe(403);
  });
});

describe('one address rule for accounts and signal actions', () => {
  it('an account at a single-label domain (user@localhost) acts through the page, and the store takes the same address from the CLI path', async () => {
    await h.addUser('ops@localhost', 'investigator');
    const ops = await h.login('ops@localhost');
    const ack = await post(`/signals/${signalId}/acknowledge`, ops, { comment: 'on call this week' });
    expect(ack.statusCode).toBe(303);
    expect((await trail()).at(-1)).toEqual({ by: 'ops@localhost', action: 'acknowledged', comment: 'on call this week' });
    const view = await signalAction(h.db, signalId, 'close', ' Ops@LocalHost ', 'no action needed');
    expect(view.history.at(-1)).toMatchObject({ by: 'ops@localhost', action: 'closed' });
    await expect(signalAction(h.db, signalId, 'reopen', 'ops@localhost,evil@example.org', 'x')).rejects.toThrow(SignalInputError);
  });
});

describe('a signal\'s small event counts', () => {
  it('are suppressed the same way in the API JSON and on its page: a small arm and its complement hidden, the total kept', async () => {
    const evidence = {
      look: 3, cutoff: '2015-12-31', planVersion: 'cw-plan-2', alertId: 'a2', summary: 'group3/os state changed',
      hr: 0.9, lower: 0.5, upper: 1.6, repeatedLower: 0.4, repeatedUpper: 2, z: -0.3, boundaryZ: null, informationFraction: 0.4, alpha: 0.0083,
      events: 34, eventsPort: 4, eventsNoPort: 30, monitoringState: 'monitoring', paperHr: null, excludesPaper: null, holds: [],
    };
    const row = await h.db.insertInto('signals').values({
      population: 'group3', endpoint: 'os', rule: 'state', state: 'open', opened_at_cutoff: '2015-12-31', last_cutoff: '2015-12-31', evidence: JSON.stringify(evidence),
    }).returning('id').executeTakeFirstOrThrow();
    const reader = await h.addKey(['monitoring:read'], 'small-cells');
    const list = await h.app.inject({ method: 'GET', url: '/api/v1/signals', headers: { authorization: `Bearer ${reader.key}` } });
    const signal = list.json<{ id: number; evidence: Record<string, unknown> }[]>().find((s) => s.id === Number(row.id));
    expect(signal?.evidence).toMatchObject({ events: 34, eventsPort: '<11', eventsNoPort: '>=11' });
    expect(list.body).not.toMatch(/"eventsPort":\s*4\b|"eventsNoPort":\s*30\b/);
    const page = await h.get(`/signals/${row.id}`, investigator);
    expect(page.body).toContain('34 (PORT &lt;11, PTR alone ≥11)');
  });
});
