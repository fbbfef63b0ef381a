// The security properties of `cohortwatch serve`, checked against the real app (PostgreSQL, Redis):
// authentication on every route, roles on every page, CSRF, session fixation, XSS through every
// free-text field, SQL injection in every parameter, oversized and malformed bodies, headers,
// rate limits, and secrets kept out of the logs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { FORM, formBody, HTTPS, PASSWORD, sessionCookie, startHarness } from './support/serverHarness.ts';
import type { Harness } from './support/serverHarness.ts';

let h: Harness;
let investigator: string;
let dataManager: string;
let admin: string;
let writer: { id: number; key: string };
let reader: { id: number; key: string };

/** Public by design: the login form, the stylesheet, liveness and the API description. */
const PUBLIC = new Set(['GET /login', 'POST /login', 'GET /assets/dashboard.css', 'GET /api/v1/health', 'GET /api/v1/openapi.json']);
const PAGES: Record<string, readonly ('investigator' | 'data-manager' | 'admin')[]> = {
  '/': ['investigator', 'data-manager', 'admin'],
  '/estimands/group1/os': ['investigator', 'data-manager', 'admin'],
  '/signals': ['investigator', 'data-manager', 'admin'],
  '/looks': ['investigator', 'data-manager', 'admin'],
  '/plan': ['investigator', 'data-manager', 'admin'],
  '/data-quality': ['data-manager', 'admin'],
  '/audit': ['admin'],
};

function concrete(url: string): string {
  return url.replace(':id', '1').replace(':population', 'group1').replace(':endpoint', 'os').replace(':cutoff', '2020-12-31').replace(':file', 'report.html');
}

beforeAll(async () => {
  h = await startHarness('serve_security');
  await h.addUser('inv@example.org', 'investigator');
  await h.addUser('dm@example.org', 'data-manager');
  await h.addUser('admin@example.org', 'admin');
  investigator = await h.login('inv@example.org');
  dataManager = await h.login('dm@example.org');
  admin = await h.login('admin@example.org');
  writer = await h.addKey(['events:write'], 'writer');
  reader = await h.addKey(['monitoring:read'], 'reader');
});

afterAll(async () => {
  await h?.close();
});

describe('authentication', () => {
  it('refuses every non-public route without a session or a key', async () => {
    const routes = h.routes.filter((r) => r.method !== 'HEAD' && !PUBLIC.has(`${r.method} ${r.url}`));
    expect(routes.length).toBeGreaterThanOrEqual(10);
    for (const route of routes) {
      const response = await h.app.inject({ method: route.method as 'GET', url: concrete(route.url), headers: HTTPS });
      const where = `${route.method} ${route.url}`;
      if (route.url.startsWith('/api/')) {
        expect(response.statusCode, where).toBe(401);
        expect(response.headers['www-authenticate'], where).toMatch(/^Bearer/);
      } else if (route.method === 'GET') {
        expect(response.statusCode, where).toBe(303);
        expect(response.headers.location, where).toBe('/login');
      } else {
        // POST /logout: refused before anything happens (no CSRF token without a session).
        expect([401, 403], where).toContain(response.statusCode);
      }
    }
  });

  it('API: 401 for an unknown, malformed or revoked key, 403 for a key without the scope', async () => {
    const events = (authorization: string) => h.app.inject({ method: 'POST', url: '/api/v1/events', headers: { authorization, 'content-type': 'application/json' }, payload: '[]' });
    expect((await events('Bearer cwk_' + 'A'.repeat(43))).statusCode).toBe(401);
    expect((await events('Bearer not-a-key')).statusCode).toBe(401);
    expect((await events(`Basic ${writer.key}`)).statusCode).toBe(401);
    expect((await events(`Bearer ${reader.key}`)).statusCode).toBe(403);
    expect((await events(`Bearer ${writer.key}`)).statusCode).toBe(200);
    const looks = await h.app.inject({ method: 'GET', url: '/api/v1/looks', headers: { authorization: `Bearer ${writer.key}` } });
    expect(looks.statusCode).toBe(403);
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/looks', headers: { authorization: `Bearer ${reader.key}` } })).statusCode).toBe(200);
    const revoked = await h.addKey(['events:write'], 'to revoke');
    await h.db.updateTable('api_keys').set({ revoked_at: new Date() }).where('id', '=', revoked.id).execute();
    expect((await events(`Bearer ${revoked.key}`)).statusCode).toBe(401);
  });

  it('a wrong password and an unknown address get the same answer', async () => {
    const tryLogin = async (email: string, password: string) => {
      const form = await h.loginForm();
      return h.app.inject({ method: 'POST', url: '/login', headers: { ...HTTPS, ...FORM, cookie: form.cookie }, payload: formBody({ email, password, _csrf: form.csrf }) });
    };
    const wrong = await tryLogin('inv@example.org', 'not the password');
    const unknown = await tryLogin('nobody@example.org', 'not the password');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(sessionCookie(wrong)).toBeNull();
    expect(wrong.body).toContain('The email or the password is not correct.');
    expect(unknown.body).toContain('The email or the password is not correct.');
  });

  it('a disabled account loses its session at once', async () => {
    await h.addUser('leaver@example.org', 'admin');
    const cookie = await h.login('leaver@example.org');
    expect((await h.get('/audit', cookie)).statusCode).toBe(200);
    await h.db.updateTable('users').set({ disabled_at: new Date() }).where('email', '=', 'leaver@example.org').execute();
    expect((await h.get('/audit', cookie)).statusCode).toBe(303);
  });
});

describe('roles', () => {
  it('each role against each page', async () => {
    const cookies = { investigator, 'data-manager': dataManager, admin };
    for (const [path, allowed] of Object.entries(PAGES)) {
      for (const [role, cookie] of Object.entries(cookies)) {
        const response = await h.get(path, cookie);
        const expected = allowed.includes(role as 'admin') ? 200 : 403;
        expect(response.statusCode, `${role} ${path}`).toBe(expected);
      }
    }
    const refusals = await h.db.selectFrom('access_audit').select(['subject']).where('action', '=', 'forbidden').execute();
    expect(refusals.map((r) => r.subject)).toContain('GET /audit');
  });

  it('the navigation offers only the pages of the role', async () => {
    const page = (await h.get('/', investigator)).body;
    expect(page).not.toContain('href="/data-quality"');
    expect(page).not.toContain('href="/audit"');
    expect((await h.get('/', admin)).body).toContain('href="/audit"');
  });
});

describe('CSRF', () => {
  it('refuses a login, and a logout, without the token or with a wrong one', async () => {
    const form = await h.loginForm();
    const post = (url: string, cookie: string, fields: Record<string, string>) =>
      h.app.inject({ method: 'POST', url, headers: { ...HTTPS, ...FORM, cookie }, payload: formBody(fields) });
    expect((await post('/login', form.cookie, { email: 'inv@example.org', password: PASSWORD })).statusCode).toBe(403);
    expect((await post('/login', form.cookie, { email: 'inv@example.org', password: PASSWORD, _csrf: 'forged' })).statusCode).toBe(403);
    const cookie = await h.login('inv@example.org');
    expect((await post('/logout', cookie, {})).statusCode).toBe(403);
    // The session survived the forged logout.
    expect((await h.get('/', cookie)).statusCode).toBe(200);
    // A token from another session does not work either.
    expect((await post('/logout', cookie, { _csrf: form.csrf })).statusCode).toBe(403);
  });

  it('logs out with the token, and the old cookie is dead afterwards', async () => {
    const cookie = await h.login('inv@example.org');
    const page = await h.get('/', cookie);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const out = await h.app.inject({ method: 'POST', url: '/logout', headers: { ...HTTPS, ...FORM, cookie }, payload: formBody({ _csrf: token }) });
    expect(out.statusCode).toBe(303);
    expect((await h.get('/', cookie)).statusCode).toBe(303);
  });
});

describe('sessions', () => {
  it('issues a new session id at login (no fixation)', async () => {
    const form = await h.loginForm();
    const response = await h.app.inject({
      method: 'POST', url: '/login', headers: { ...HTTPS, ...FORM, cookie: form.cookie },
      payload: formBody({ email: 'inv@example.org', password: PASSWORD, _csrf: form.csrf }),
    });
    expect(response.statusCode).toBe(303);
    const after = sessionCookie(response);
    expect(after).not.toBeNull();
    expect(after).not.toBe(form.cookie);
    // The planted (pre-login) id does not carry the login.
    expect((await h.get('/', form.cookie)).statusCode).toBe(303);
    expect((await h.get('/', after ?? '')).statusCode).toBe(200);
  });

  it('sets a Secure, HttpOnly, SameSite, host-only session cookie; stores only a hash of its id', async () => {
    const page = await h.get('/login');
    const header = String(page.headers['set-cookie']);
    expect(header).toMatch(/^__Host-cohortwatch=/);
    expect(header).toMatch(/; Secure/);
    expect(header).toMatch(/; HttpOnly/);
    expect(header).toMatch(/; SameSite=Lax/);
    expect(header).not.toMatch(/Domain=/);
    const sid = decodeURIComponent(header.split(';')[0].split('=')[1]).split('.')[0];
    const stored = await h.db.selectFrom('web_sessions').select('sid_hash').execute();
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.some((s) => s.sid_hash.includes(sid))).toBe(false);
  });
});

describe('XSS', () => {
  const SCRIPT = '<script>alert(1)</script>';
  const IMG = '"><img src=x onerror=alert(2)>';

  it('escapes rejection reasons of hostile events, hostile ids and conflicts on /data-quality', async () => {
    const hostile = [
      { eventId: 'evil-1', patientId: 'P1', type: SCRIPT, occurredOn: '2020-01-01', reportedAt: '2020-01-02T00:00:00Z' },
      { eventId: IMG, patientId: SCRIPT, type: 'death', occurredOn: '2020-01-01', reportedAt: '2020-01-02T00:00:00Z' },
      { eventId: 'evil-3', patientId: 'P3', type: 'retraction', retracts: 'x', reason: SCRIPT, occurredOn: '2020-01-01', reportedAt: '2020-01-02T00:00:00Z', [IMG]: 1 },
      { eventId: 'evil-4', patientId: 'P4', type: 'dp', sites: [SCRIPT], occurredOn: '2020-01-01', reportedAt: '2020-01-02T00:00:00Z' },
    ];
    const response = await h.app.inject({ method: 'POST', url: '/api/v1/events', headers: { authorization: `Bearer ${writer.key}` }, payload: hostile });
    expect(response.statusCode).toBe(200);
    const body = response.json<{ results: { status: string; reason: string }[] }>();
    expect(body.results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
    await h.db.insertInto('timelines').values({
      patient_id: 'P9', registered: true, ptr_date: '2010-01-01', last_known_on: null, os_days: null, os_status: null, pfs_days: null, pfs_status: null,
      lrr_days: null, lrr_status: null, dp_days: null, dp_status: null, event_count: 1, as_of: new Date(),
      conflicts: JSON.stringify([{ eventId: 'e', type: 'dp', occurredOn: '2009-01-01', kind: 'before-ptr', reason: SCRIPT }]),
    }).execute();
    const page = (await h.get('/data-quality', dataManager)).body;
    expect(page).toContain('&lt;script&gt;');
    expect(page).not.toContain(SCRIPT);
    expect(page).not.toContain('<img');
  });

  it('escapes typed emails, key names and user addresses on /audit', async () => {
    const form = await h.loginForm();
    await h.app.inject({ method: 'POST', url: '/login', headers: { ...HTTPS, ...FORM, cookie: form.cookie }, payload: formBody({ email: SCRIPT + IMG, password: 'x', _csrf: form.csrf }) });
    await h.addKey(['events:write'], `key ${SCRIPT}`);
    const page = (await h.get('/audit', admin)).body;
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain(SCRIPT);
    expect(page).not.toContain('<img');
  });

  it('escapes alert summaries on the overview and the estimand page', async () => {
    const run = await h.db.insertInto('analysis_runs').values({
      cutoff: '2020-12-31', plan_version: 'xss-plan', code_version: 'test', status: 'completed', look: 1, plan: JSON.stringify({}), finished_at: new Date(),
    }).returning('id').executeTakeFirstOrThrow();
    await h.db.insertInto('analysis_estimates').values({
      run_id: run.id, population: 'group1', endpoint: 'os', model: 'monitoring', term: 'port', is_primary: true, n: 100, events: 40, events_port: 20, events_no_port: 20,
      coef: -0.3, se: 0.3, hr: 0.74, lower: 0.41, upper: 1.33, z: -1, p: 0.32, information_fraction: 0.5, boundary_z: 2.96, repeated_lower: 0.3, repeated_upper: 1.8, details: JSON.stringify({}),
    }).execute();
    await h.db.insertInto('alerts').values({ id: 'a1', run_id: run.id, population: 'group1', endpoint: 'os', rule: 'drift', status: 'fired', summary: SCRIPT + IMG, evidence: JSON.stringify({}) }).execute();
    for (const path of ['/', '/estimands/group1/os']) {
      const page = (await h.get(path, investigator)).body;
      expect(page, path).toContain('&lt;script&gt;');
      expect(page, path).not.toContain(SCRIPT);
      expect(page, path).not.toContain('<img');
      expect(page, path).toContain('0.74');
    }
  });
});

describe('SQL injection', () => {
  const INJECTIONS = ["' or '1'='1", "group1'; drop table users; --", '1; delete from api_keys', '../../../../etc/passwd', '%27%20or%201%3D1--'];

  it('in every path parameter, the login fields and the bearer key', async () => {
    for (const bad of INJECTIONS) {
      const encoded = encodeURIComponent(bad);
      expect((await h.get(`/estimands/${encoded}/os`, investigator)).statusCode).toBe(404);
      expect((await h.get(`/estimands/group1/${encoded}`, investigator)).statusCode).toBe(404);
      expect((await h.get(`/looks/${encoded}/report.html`, investigator)).statusCode).toBe(404);
      expect((await h.get(`/looks/2020-12-31/${encoded}`, investigator)).statusCode).toBe(404);
      const form = await h.loginForm();
      const login = await h.app.inject({ method: 'POST', url: '/login', headers: { ...HTTPS, ...FORM, cookie: form.cookie }, payload: formBody({ email: bad, password: bad, _csrf: form.csrf }) });
      expect(login.statusCode).toBe(401);
      const api = await h.app.inject({ method: 'GET', url: '/api/v1/looks', headers: { authorization: `Bearer ${bad.replace(/ /g, '')}` } });
      expect(api.statusCode).toBe(401);
    }
    const tables = await sql<{ n: number }>`select count(*)::int as n from users`.execute(h.db);
    expect(tables.rows[0].n).toBeGreaterThanOrEqual(3);
    expect((await h.db.selectFrom('api_keys').select('id').execute()).length).toBeGreaterThanOrEqual(2);
  });

  it('in every event field: rejected by the contract or stored as data, never run', async () => {
    const event = { eventId: "x'); drop table follow_up_events; --", patientId: "P'--", type: 'death', occurredOn: "2020-01-01' or '1'='1", reportedAt: '2020-01-02T00:00:00Z' };
    const response = await h.app.inject({ method: 'POST', url: '/api/v1/events', headers: { authorization: `Bearer ${writer.key}` }, payload: [event, { ...event, eventId: 'ok-1', patientId: 'P1', occurredOn: '2020-01-01', centre: "C'; drop table patients; --" }] });
    const results = response.json<{ results: { status: string }[] }>().results;
    expect(results.map((r) => r.status)).toEqual(['rejected', 'queued']);
    const job = await h.queue.getJob('ev-' + (await import('node:crypto')).createHash('sha256').update('ok-1').digest('hex').slice(0, 32));
    expect((job?.data as { centre: string }).centre).toBe("C'; drop table patients; --");
    await sql`select 1 from follow_up_events, patients limit 1`.execute(h.db);
  });
});

describe('bodies', () => {
  const post = (payload: string, contentType: string, key = writer.key) =>
    h.app.inject({ method: 'POST', url: '/api/v1/events', headers: { authorization: `Bearer ${key}`, 'content-type': contentType }, payload });

  it('413 over the body limit, 400 for malformed JSON, a non-array or a nesting bomb, 415 for another type', async () => {
    const big = await post(JSON.stringify([{ eventId: 'x', pad: 'y'.repeat(h.config.bodyLimitBytes) }]), 'application/json');
    expect(big.statusCode).toBe(413);
    expect(big.json<{ message: string }>().message).toMatch(/larger than the limit/);
    expect((await post('[{"eventId": ', 'application/json')).statusCode).toBe(400);
    expect((await post('{"eventId": "x"}', 'application/json')).statusCode).toBe(400);
    const bomb = await post('['.repeat(200_000) + ']'.repeat(200_000), 'application/json');
    expect(bomb.statusCode).toBe(400);
    expect(bomb.json<{ message: string }>().message).toMatch(/nests deeper/);
    expect((await post('<events/>', 'application/xml')).statusCode).toBe(415);
    expect((await post('', 'application/json')).statusCode).toBe(400);
    const form = await h.app.inject({ method: 'POST', url: '/login', headers: { ...HTTPS, ...FORM }, payload: `email=${'a'.repeat(20_000)}` });
    expect(form.statusCode).toBe(413);
  });

  it('NDJSON: each bad line is its own rejected result with a reason, the good lines are queued', async () => {
    const good = { eventId: 'nd-1', patientId: 'P7', type: 'last_contact', occurredOn: '2020-01-01', reportedAt: '2020-01-02T00:00:00Z' };
    const body = [JSON.stringify(good), '{not json', '', '[1,2]', '['.repeat(50) + ']'.repeat(50), JSON.stringify({ ...good, eventId: 'nd-2' })].join('\r\n');
    const response = await post(body, 'application/x-ndjson');
    expect(response.statusCode).toBe(200);
    const results = response.json<{ results: { index: number; status: string; reason: string | null }[] }>().results;
    expect(results.map((r) => r.status)).toEqual(['queued', 'rejected', 'rejected', 'rejected', 'queued']);
    expect(results.map((r) => r.index)).toEqual([0, 1, 2, 3, 4]);
    expect(results[1].reason).toMatch(/^not JSON/);
    expect(results[2].reason).toBe('event must be a JSON object (got an array of 2)');
    expect(results[3].reason).toBe('event nests deeper than 8 levels');
  });
});

describe('headers', () => {
  it('CSP without unsafe-inline, no framing, no sniffing, no caching, on pages and the API', async () => {
    for (const response of [await h.get('/', investigator), await h.get('/login'), await h.app.inject({ method: 'GET', url: '/api/v1/health' })]) {
      const csp = String(response.headers['content-security-policy']);
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['cache-control']).toBe('no-store');
    }
  });

  it('pages carry no inline script, no inline style and nothing fetched from elsewhere', async () => {
    for (const path of ['/', '/estimands/group1/os', '/looks', '/plan', '/data-quality', '/audit', '/login']) {
      const page = (await h.get(path, admin)).body;
      expect(page, path).not.toMatch(/<script/i);
      expect(page, path).not.toMatch(/\sstyle="/i);
      expect(page, path).not.toMatch(/<style/i);
      expect(page, path).not.toMatch(/(src|href)="(https?:)?\/\//i);
    }
  });
});

describe('rate limits', () => {
  it('429 past the per-key rate of the API and the per-address rate of logins', async () => {
    const limited = await startHarness('serve_rate', { apiRatePerMinute: 3, loginRatePerMinute: 2 });
    try {
      const key = await limited.addKey(['events:write']);
      const other = await limited.addKey(['events:write']);
      const post = (k: string) => limited.app.inject({ method: 'POST', url: '/api/v1/events', headers: { authorization: `Bearer ${k}` }, payload: [] });
      expect([(await post(key.key)).statusCode, (await post(key.key)).statusCode, (await post(key.key)).statusCode]).toEqual([200, 200, 200]);
      const fourth = await post(key.key);
      expect(fourth.statusCode).toBe(429);
      expect(fourth.headers['retry-after']).toBeDefined();
      // Another key has its own budget.
      expect((await post(other.key)).statusCode).toBe(200);
      const attempt = async () => {
        const form = await limited.loginForm();
        return limited.app.inject({ method: 'POST', url: '/login', headers: { ...HTTPS, ...FORM, cookie: form.cookie }, payload: formBody({ email: 'x@example.org', password: 'guess', _csrf: form.csrf }) });
      };
      expect((await attempt()).statusCode).toBe(401);
      expect((await attempt()).statusCode).toBe(401);
      const third = await attempt();
      expect(third.statusCode).toBe(429);
      expect(third.headers['content-type']).toMatch(/text\/html/);
    } finally {
      await limited.close();
    }
  });
});

describe('logs', () => {
  it('carry the key id and the user id, never a key, a password or a session cookie', async () => {
    const secretPassword = 'Zebra-Quartz-Velvet-42!';
    await h.addUser('logged@example.org', 'investigator', secretPassword);
    const key = await h.addKey(['events:write', 'monitoring:read'], 'log test');
    const cookie = await h.login('logged@example.org', secretPassword);
    const form = await h.loginForm();
    await h.app.inject({ method: 'POST', url: '/login', headers: { ...HTTPS, ...FORM, cookie: form.cookie }, payload: formBody({ email: 'logged@example.org', password: `${secretPassword}-wrong`, _csrf: form.csrf }) });
    await h.app.inject({ method: 'POST', url: '/api/v1/events', headers: { authorization: `Bearer ${key.key}` }, payload: [] });
    await h.app.inject({ method: 'GET', url: '/api/v1/looks', headers: { authorization: `Bearer ${key.key}` } });
    await h.get('/', cookie);
    await new Promise((r) => setTimeout(r, 50));
    const text = h.logs.join('\n');
    expect(text).not.toContain(secretPassword);
    expect(text).not.toContain(key.key);
    expect(text).not.toContain(key.key.slice(4, 20));
    expect(text).not.toContain(cookie.split('=')[1].slice(0, 20));
    const requests = h.logs.map((l) => JSON.parse(l) as { msg: string; apiKeyId?: number; url?: string; userId?: number });
    expect(requests.some((l) => l.msg === 'request' && l.apiKeyId === key.id && l.url === '/api/v1/looks')).toBe(true);
    expect(requests.some((l) => l.msg === 'request' && l.url === '/' && typeof l.userId === 'number')).toBe(true);
  });
});
