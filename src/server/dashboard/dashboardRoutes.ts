// The dashboard: server-rendered pages (no JavaScript), a session cookie after POST /login, a CSRF
// token in every form, and a role check on every page. Roles are read from the database on each
// request, so a changed role or a disabled account takes effect at once.
import { createReadStream } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler, preHandlerHookHandler } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { UserRole } from '../../db/serveTables.ts';
import type { Endpoint, Population } from '../../reports/index.ts';
import { estimandLabel } from '../../reports/vocabulary.ts';
import { recordAccess } from '../security/accessAudit.ts';
import { findSessionUser, verifyCredentials } from '../security/users.ts';
import type { ServerConfig } from '../serverConfig.ts';
import { auditPage, dataQualityPage, looksPage, planPage } from '../views/adminViews.ts';
import { estimandPage, overviewPage } from '../views/estimandViews.ts';
import { errorPage, STYLESHEET_PATH } from '../views/layout.ts';
import type { Chrome } from '../views/layout.ts';
import { loginPage } from '../views/loginPage.ts';
import { SIGNAL_FORMS, signalPage, signalPath, signalsPage } from '../views/signalViews.ts';
import { getSignal, listSignals, signalAction, SignalInputError, SignalTransitionError } from '../../jobs/signalStore.ts';
import { isSignalState } from '../api/signals.ts';
import { DASHBOARD_CSS } from '../views/stylesheet.ts';
import {
  AUDIT_LIMIT, auditRows, DATA_QUALITY_LIMIT, dataQualityRows, ENDPOINT_IDS, estimandModel, looksRows, overviewModel, planModel, POPULATION_IDS, reportFile, signalAuditRows,
} from './dashboardData.ts';
import type { DashboardContext } from './dashboardData.ts';

export interface DashboardDependencies {
  db: Kysely<Database>;
  config: ServerConfig;
}

const ALL: readonly UserRole[] = ['investigator', 'data-manager', 'admin'];
const DATA_MANAGERS: readonly UserRole[] = ['data-manager', 'admin'];
const ADMINS: readonly UserRole[] = ['admin'];
/** Who acts on signals (acknowledge, close, reopen); data managers read them. */
const SIGNAL_ACTORS: readonly UserRole[] = ['investigator', 'admin'];
const SIGNAL_ID = /^[1-9]\d{0,14}$/;
const HIDDEN = { hide: true } as const;

function sendHtml(reply: FastifyReply, status: number, body: string) {
  return reply.code(status).type('text/html; charset=utf-8').send(body);
}

function chrome(request: FastifyRequest, reply: FastifyReply, title: string, current: string): Chrome {
  return { title, current, user: request.user, csrfToken: reply.generateCsrf() };
}

export function registerDashboardRoutes(app: FastifyInstance, deps: DashboardDependencies): void {
  const { db, config } = deps;
  const ctx: DashboardContext = { db, smallCellMin: config.smallCellMin, reportsDir: config.reportsDir };

  const csrf: preHandlerHookHandler = (request, reply, done) => app.csrfProtection(request, reply, done);

  const requireRole = (roles: readonly UserRole[]): preHandlerAsyncHookHandler => async function checkRole(request, reply) {
    const userId = request.session.userId;
    const user = userId === undefined ? null : await findSessionUser(db, userId);
    if (user === null) {
      if (request.method === 'GET' || request.method === 'HEAD') return reply.code(303).redirect('/login');
      return sendHtml(reply, 401, errorPage(chrome(request, reply, 'Not logged in', ''), 'Log in first.'));
    }
    request.user = user;
    if (!roles.includes(user.role)) {
      await recordAccess(db, { action: 'forbidden', userId: user.id, subject: `${request.method} ${request.url}`.slice(0, 200), ip: request.ip });
      return sendHtml(reply, 403, errorPage(chrome(request, reply, 'Not allowed', ''), 'Your role does not give access to this page.'));
    }
  };

  app.get(STYLESHEET_PATH, { schema: HIDDEN }, (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(DASHBOARD_CSS));

  app.get('/login', { schema: HIDDEN }, async (request, reply) => {
    if (request.session.userId !== undefined && (await findSessionUser(db, request.session.userId)) !== null) return reply.code(303).redirect('/');
    return sendHtml(reply, 200, loginPage(reply.generateCsrf(), null));
  });

  app.post<{ Body: { email?: unknown; password?: unknown } }>('/login', {
    schema: HIDDEN,
    config: { rateLimit: { max: config.loginRatePerMinute, timeWindow: 60_000, keyGenerator: (request: FastifyRequest) => `login:${request.ip}` } },
    preHandler: csrf,
  }, async (request, reply) => {
    const email = typeof request.body?.email === 'string' ? request.body.email : '';
    const password = typeof request.body?.password === 'string' ? request.body.password : '';
    const user = await verifyCredentials(db, email, password);
    if (user === null) {
      await recordAccess(db, { action: 'login_failed', subject: email.slice(0, 200), ip: request.ip });
      return sendHtml(reply, 401, loginPage(reply.generateCsrf(), 'The email or the password is not correct.'));
    }
    // A new session id at login: an id planted before login (session fixation) is worth nothing after it.
    await request.session.regenerate();
    request.session.userId = user.id;
    request.session.role = user.role;
    await recordAccess(db, { action: 'login', userId: user.id, ip: request.ip });
    return reply.code(303).redirect('/');
  });

  app.post('/logout', { schema: HIDDEN, preHandler: csrf }, async (request, reply) => {
    const userId = request.session.userId;
    if (userId !== undefined) await recordAccess(db, { action: 'logout', userId, ip: request.ip });
    await request.session.destroy();
    return reply.code(303).redirect('/login');
  });

  app.get('/', { schema: HIDDEN, preHandler: requireRole(ALL) }, async (request, reply) =>
    sendHtml(reply, 200, overviewPage(chrome(request, reply, 'Overview', '/'), await overviewModel(ctx))));

  app.get<{ Params: { population: string; endpoint: string } }>('/estimands/:population/:endpoint', { schema: HIDDEN, preHandler: requireRole(ALL) }, async (request, reply) => {
    const { population, endpoint } = request.params;
    if (!(POPULATION_IDS as readonly string[]).includes(population) || !(ENDPOINT_IDS as readonly string[]).includes(endpoint)) {
      return sendHtml(reply, 404, errorPage(chrome(request, reply, 'Not found', ''), 'There is no such estimand.'));
    }
    const model = await estimandModel(ctx, population as Population, endpoint as Endpoint);
    return sendHtml(reply, 200, estimandPage(chrome(request, reply, estimandLabel(model.population, model.endpoint), ''), model));
  });

  app.get<{ Querystring: { state?: string } }>('/signals', { schema: HIDDEN, preHandler: requireRole(ALL) }, async (request, reply) => {
    const { state } = request.query;
    if (state !== undefined && !isSignalState(state)) {
      return sendHtml(reply, 400, errorPage(chrome(request, reply, 'Signals', '/signals'), 'The state filter must be open, acknowledged, closed or withdrawn.'));
    }
    const signals = await listSignals(db, state === undefined ? {} : { state });
    return sendHtml(reply, 200, signalsPage(chrome(request, reply, 'Signals', '/signals'), signals, state ?? null));
  });

  const showSignal = async (request: FastifyRequest, reply: FastifyReply, id: string, status: number, problem: string | null) => {
    const signal = SIGNAL_ID.test(id) ? await getSignal(db, Number(id)) : null;
    if (signal === null) return sendHtml(reply, 404, errorPage(chrome(request, reply, 'Not found', ''), 'There is no such signal.'));
    const canAct = request.user !== null && SIGNAL_ACTORS.includes(request.user.role);
    const title = `Signal #${signal.id}: ${estimandLabel(signal.population, signal.endpoint)}`;
    return sendHtml(reply, status, signalPage(chrome(request, reply, title, '/signals'), { signal, smallCellMin: config.smallCellMin, canAct, problem }));
  };

  app.get<{ Params: { id: string } }>('/signals/:id', { schema: HIDDEN, preHandler: requireRole(ALL) }, async (request, reply) =>
    showSignal(request, reply, request.params.id, 200, null));

  for (const form of SIGNAL_FORMS) {
    app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(`/signals/:id/${form.path}`, {
      schema: HIDDEN, preHandler: [requireRole(SIGNAL_ACTORS), csrf],
    }, async (request, reply) => {
      const { id } = request.params;
      if (!SIGNAL_ID.test(id)) return showSignal(request, reply, id, 404, null);
      const raw = request.body?.[form.field];
      const text = typeof raw === 'string' ? raw.trim() : '';
      if (text === '') return showSignal(request, reply, id, 400, `The ${form.field} must not be empty.`);
      if (text.length > 4000) return showSignal(request, reply, id, 400, `The ${form.field} is longer than 4000 characters.`);
      const user = request.user;
      if (user === null) return reply.code(401).send();
      try {
        // The audit trail names the logged-in user (signal_events.by), never a typed name.
        await signalAction(db, Number(id), form.action, user.email, text);
      } catch (error) {
        if (error instanceof SignalTransitionError) return showSignal(request, reply, id, 409, error.message);
        if (error instanceof SignalInputError) return showSignal(request, reply, id, 400, error.message);
        throw error;
      }
      return reply.code(303).redirect(signalPath(Number(id)));
    });
  }

  app.get('/looks', { schema: HIDDEN, preHandler: requireRole(ALL) }, async (request, reply) =>
    sendHtml(reply, 200, looksPage(chrome(request, reply, 'Looks', '/looks'), await looksRows(ctx), config.reportsDir !== undefined)));

  app.get<{ Params: { cutoff: string; file: string } }>('/looks/:cutoff/:file', { schema: HIDDEN, preHandler: requireRole(ALL) }, async (request, reply) => {
    const { cutoff, file } = request.params;
    const kind = file === 'report.html' ? 'html' : file === 'report.pdf' ? 'pdf' : null;
    const path = kind === null ? null : reportFile(config.reportsDir, cutoff, kind);
    if (kind === null || path === null) return sendHtml(reply, 404, errorPage(chrome(request, reply, 'Not found', ''), 'There is no such report.'));
    // A download, rendered (if at all) in a sandbox: the report is a self-contained document with
    // its own inline styles, which the dashboard's CSP would rightly refuse.
    return reply
      .header('content-disposition', `attachment; filename="cohortwatch-report-${cutoff}.${kind}"`)
      .header('content-security-policy', "default-src 'none'; sandbox")
      .type(kind === 'html' ? 'text/html; charset=utf-8' : 'application/pdf')
      .send(createReadStream(path));
  });

  app.get('/plan', { schema: HIDDEN, preHandler: requireRole(ALL) }, async (request, reply) =>
    sendHtml(reply, 200, planPage(chrome(request, reply, 'Analysis plan', '/plan'), await planModel(ctx))));

  app.get('/data-quality', { schema: HIDDEN, preHandler: requireRole(DATA_MANAGERS) }, async (request, reply) => {
    const { rejected, conflicts } = await dataQualityRows(ctx);
    return sendHtml(reply, 200, dataQualityPage(chrome(request, reply, 'Data quality', '/data-quality'), rejected, conflicts, DATA_QUALITY_LIMIT));
  });

  app.get('/audit', { schema: HIDDEN, preHandler: requireRole(ADMINS) }, async (request, reply) =>
    sendHtml(reply, 200, auditPage(chrome(request, reply, 'Audit', '/audit'), await auditRows(ctx), await signalAuditRows(ctx), AUDIT_LIMIT)));
}
