// The HTTP server of `cohortwatch serve`: the JSON API under /api/v1 and the dashboard, on Fastify 5
// with its official plugins (helmet, cookie, session, CSRF, form bodies, rate limits, swagger). It
// reads PostgreSQL and puts events on the queue; it never runs statistics itself.
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySession from '@fastify/session';
import fastifySwagger from '@fastify/swagger';
import { STATUS_CODES } from 'node:http';
import Fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyError, FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/database.ts';
import type { FollowUpQueue, RedisClient } from '../workers/queue.ts';
import { registerApiRoutes } from './api/apiRoutes.ts';
import { MAX_BODY_DEPTH, nestsDeeper } from './api/jsonDepth.ts';
import { registerDashboardRoutes } from './dashboard/dashboardRoutes.ts';
import './requestContext.ts';
import { PostgresSessionStore } from './security/sessionStore.ts';
import { outageMessage, serviceOutage } from './serviceOutage.ts';
import type { ServerConfig } from './serverConfig.ts';
import { errorPage } from './views/layout.ts';

export interface ServerDependencies {
  db: Kysely<Database>;
  queue: FollowUpQueue;
  /** The rate limiter's shared counters (several serve processes count together); a node or a cluster. */
  redis: RedisClient;
  logger: Logger;
  config: ServerConfig;
  health: () => Promise<{ database: boolean; queue: boolean }>;
  /** Told of every route as it is registered (the security tests check each one). */
  onRoute?: (route: { method: string | string[]; url: string }) => void;
}

const API_PREFIX = '/api/v1';
/** Forms carry an email and a password: a few KiB at most. */
const FORM_BODY_LIMIT = 16 * 1024;

export const CONTENT_SECURITY_POLICY = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'none'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
  },
};

function publicMessage(error: FastifyError, status: number): string {
  if (status >= 500) return 'internal error; the server log has the details';
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'the request body is larger than the limit of this route';
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return 'unsupported Content-Type: send application/json (an array of events) or application/x-ndjson';
  if (error.code?.startsWith('FST_CSRF')) return 'the form is missing its CSRF token or the token is not valid; reload the page and try again';
  if (status === 429) return 'too many requests; slow down and retry later';
  return error.message;
}

export async function buildServer(deps: ServerDependencies): Promise<FastifyInstance> {
  const { config } = deps;
  const logger: FastifyBaseLogger = deps.logger;
  const app = Fastify({
    loggerInstance: logger,
    // One line per request, written below with the caller's key id or user id: never headers, cookies or bodies.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: config.trustProxy,
    bodyLimit: FORM_BODY_LIMIT,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
  });
  if (deps.onRoute !== undefined) {
    const onRoute = deps.onRoute;
    app.addHook('onRoute', (route) => onRoute({ method: route.method, url: route.url }));
  }
  app.decorateRequest('apiKey', null);
  app.decorateRequest('user', null);

  app.addHook('onResponse', async (request, reply) => {
    request.log.info({
      method: request.method, url: request.url, statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime),
      apiKeyId: request.apiKey?.id, userId: request.user?.id ?? request.session?.userId, ip: request.ip,
    }, 'request');
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'CohortWatch API', version: '1', description: 'Follow-up events in, monitoring results out. See docs/api.md.' },
      servers: [{ url: '/' }],
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'an API key from `cohortwatch api-keys create`' } } },
    },
  });
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: CONTENT_SECURITY_POLICY,
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
  await app.register(fastifyCookie);
  await app.register(fastifySession, {
    secret: config.sessionSecret,
    // The __Host- prefix binds the cookie to this host and path /, and browsers require Secure for it.
    cookieName: config.cookieSecure ? '__Host-cohortwatch' : 'cohortwatch',
    cookie: { secure: config.cookieSecure, httpOnly: true, sameSite: 'lax', path: '/', maxAge: config.sessionTtlMs },
    saveUninitialized: false,
    rolling: false,
    store: new PostgresSessionStore(deps.db, config.sessionTtlMs),
  });
  await app.register(fastifyCsrf, { sessionPlugin: '@fastify/session' });
  await app.register(fastifyFormbody, { bodyLimit: FORM_BODY_LIMIT });
  await app.register(fastifyRateLimit, {
    global: false,
    redis: deps.redis,
    nameSpace: config.rateLimitNamespace,
    // Counting needs Redis: without it, refuse (503) rather than let logins be guessed unthrottled.
    skipOnError: false,
  });

  app.addContentTypeParser('application/x-ndjson', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (nestsDeeper(body as string, MAX_BODY_DEPTH)) {
      done(Object.assign(new Error(`the JSON body nests deeper than ${MAX_BODY_DEPTH} levels`), { statusCode: 400 }), undefined);
      return;
    }
    void parseJson(request, body as string, done);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    // Pages can show patient ids (data quality): never kept by a browser or proxy cache.
    if (!request.url.startsWith('/assets/')) reply.header('cache-control', 'no-store');
    return payload;
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const outage = serviceOutage(error, deps.redis);
    const status = outage !== null ? 503 : error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500;
    if (outage !== null) {
      request.log.warn({ service: outage, reason: error.message.split('\n')[0] }, `${outage} unavailable`);
      // The session lives in PostgreSQL: saving it again while this page is sent would fail again and
      // leave Fastify's default error body (with the socket's address). No session, no save.
      (request as { session?: unknown }).session = undefined;
    }
    else if (status >= 500) request.log.error({ err: error }, 'request failed');
    const message = outage !== null ? outageMessage(outage) : publicMessage(error, status);
    if (request.url.startsWith(`${API_PREFIX}/`)) {
      return reply.code(status).send({ error: STATUS_CODES[status] ?? 'Error', message });
    }
    const user = request.user;
    return reply.code(status).type('text/html; charset=utf-8').send(errorPage({ title: status === 403 ? 'Not allowed' : 'Error', current: '', user, csrfToken: '' }, message));
  });

  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith(`${API_PREFIX}/`)) return reply.code(404).send({ error: 'Not Found', message: 'no such API route' });
    return reply.code(404).type('text/html; charset=utf-8').send(errorPage({ title: 'Not found', current: '', user: null, csrfToken: '' }, 'There is no such page.'));
  });

  await app.register((api, _options, done) => {
    registerApiRoutes(api, { db: deps.db, queue: deps.queue, config, health: deps.health });
    done();
  }, { prefix: API_PREFIX });
  await app.register((dashboard, _options, done) => {
    registerDashboardRoutes(dashboard, { db: deps.db, config });
    done();
  });
  return app;
}
