// The JSON API under /api/v1. Route schemas describe requests and responses for the OpenAPI
// document (@fastify/swagger) and make fastify serialise only the declared fields.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { FollowUpQueue } from '../../workers/queue.ts';
import type { ServerConfig } from '../serverConfig.ts';
import { bearerToken, requireScope } from './apiAuth.ts';
import { arrayEvents, ingestEvents, ndjsonEvents, QueueUnavailableError } from './ingestEvents.ts';
import { apiLooks } from './looks.ts';
import { apiMonitoring, AsOfError, asOfDate, monitoringSchema } from './monitoring.ts';
import { apiSignals, isSignalState, signalsSchema } from './signals.ts';

export interface ApiDependencies {
  db: Kysely<Database>;
  queue: FollowUpQueue;
  config: ServerConfig;
  /** Liveness of what the API depends on; the health route reports it. */
  health: () => Promise<{ database: boolean; queue: boolean }>;
}

const errorSchema = { type: 'object', properties: { error: { type: 'string' }, message: { type: 'string' } } } as const;
const bearer = [{ bearerAuth: [] }];

/** The rate limiter's bucket: per presented key (hashed), or per client address without one. */
function rateKey(request: FastifyRequest): string {
  const token = bearerToken(request);
  return token === null ? `ip:${request.ip}` : `key:${createHash('sha256').update(token).digest('hex').slice(0, 32)}`;
}

export function registerApiRoutes(app: FastifyInstance, deps: ApiDependencies): void {
  const { db, queue, config } = deps;
  const rateLimit = { max: config.apiRatePerMinute, timeWindow: 60_000, keyGenerator: rateKey };

  app.post('/events', {
    bodyLimit: config.bodyLimitBytes,
    config: { rateLimit },
    preHandler: requireScope(db, 'events:write'),
    schema: {
      summary: 'Submit follow-up events (contract v1)',
      description: 'A JSON array of events, or NDJSON (one event per line, Content-Type application/x-ndjson). '
        + 'Every event is validated as the worker validates it; the answer has one result per event, in order. '
        + 'Rejected events are also recorded in the rejected-events list. Resending is safe: an event already stored or queued is a duplicate.',
      tags: ['events'],
      security: bearer,
      body: {
        content: {
          'application/json': { schema: { type: 'array', items: { description: 'a follow-up event (docs/contract.md); anything else is rejected with its reason' } } },
          'application/x-ndjson': { schema: { type: 'string', description: 'one JSON event per line' } },
        },
      },
      response: {
        200: {
          type: 'object',
          properties: {
            queued: { type: 'integer' }, duplicate: { type: 'integer' }, rejected: { type: 'integer' },
            results: {
              type: 'array',
              items: {
                type: 'object',
                required: ['index', 'eventId', 'status', 'reason'],
                properties: {
                  index: { type: 'integer', description: '0-based position in the request (NDJSON: among non-blank lines)' },
                  eventId: { type: ['string', 'null'] },
                  status: { type: 'string', enum: ['queued', 'duplicate', 'rejected'] },
                  reason: { type: ['string', 'null'] },
                },
              },
            },
          },
        },
        400: errorSchema, 401: errorSchema, 403: errorSchema, 413: errorSchema, 415: errorSchema, 429: errorSchema, 503: errorSchema,
      },
    },
  }, async (request, reply) => {
    const body: unknown = request.body;
    const submitted = typeof body === 'string' ? ndjsonEvents(body) : arrayEvents(body as unknown[]);
    try {
      const results = await ingestEvents({ db, queue, enqueueTimeoutMs: config.enqueueTimeoutMs }, submitted);
      const count = (status: string) => results.filter((r) => r.status === status).length;
      request.log.info({ apiKeyId: request.apiKey?.id, events: results.length, queued: count('queued'), rejected: count('rejected') }, 'events received');
      return { queued: count('queued'), duplicate: count('duplicate'), rejected: count('rejected'), results };
    } catch (error) {
      if (error instanceof QueueUnavailableError) {
        return reply.code(503).header('retry-after', '30').send({ error: 'Service Unavailable', message: `${error.message}; nothing was queued, send the events again` });
      }
      throw error;
    }
  });

  app.get('/looks', {
    config: { rateLimit },
    preHandler: requireScope(db, 'monitoring:read'),
    schema: {
      summary: 'Analysis runs (looks), newest first',
      tags: ['monitoring'],
      security: bearer,
      response: {
        200: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              runId: { type: 'integer' }, look: { type: 'integer' }, cutoff: { type: 'string', format: 'date' }, planVersion: { type: 'string' },
              status: { type: 'string', enum: ['running', 'completed', 'failed'] },
              patients: { type: ['integer', 'string', 'null'], description: 'patients analysed; "<k" when below the small-cell threshold' },
              alertsFired: { type: 'integer' },
              startedAt: { type: 'string', format: 'date-time' }, finishedAt: { type: ['string', 'null'], format: 'date-time' },
              reports: { type: 'object', properties: { html: { type: ['string', 'null'] }, pdf: { type: ['string', 'null'] } } },
            },
          },
        },
        401: errorSchema, 403: errorSchema, 429: errorSchema,
      },
    },
  }, () => apiLooks(db, config));

  app.get<{ Querystring: { asOf?: string } }>('/monitoring', {
    config: { rateLimit },
    preHandler: requireScope(db, 'monitoring:read'),
    schema: {
      summary: 'Each primary estimand\'s sequential monitoring as of a date (the JSON of `cohortwatch monitoring --json`)',
      description: 'The plan in force on the date and every stored look (voided looks excluded) at a cutoff on or before it: '
        + 'state (accruing, monitoring, futility, crossed, complete), information, alpha spent, boundary, z, repeated CI and conditional power. Aggregates only.',
      tags: ['monitoring'],
      security: bearer,
      querystring: { type: 'object', properties: { asOf: { type: 'string', description: 'YYYY-MM-DD (default: today, UTC)' } } },
      response: { 200: monitoringSchema, 400: errorSchema, 401: errorSchema, 403: errorSchema, 429: errorSchema },
    },
  }, async (request, reply) => {
    let asOf: string;
    try {
      asOf = asOfDate(request.query.asOf);
    } catch (error) {
      if (error instanceof AsOfError) return reply.code(400).send({ error: 'Bad Request', message: error.message });
      throw error;
    }
    return apiMonitoring(db, asOf);
  });

  app.get<{ Querystring: { state?: string } }>('/signals', {
    config: { rateLimit },
    preHandler: requireScope(db, 'monitoring:read'),
    schema: {
      summary: 'Signals opened by the looks, with their audit trail (the JSON of `cohortwatch signals list --json`)',
      description: 'A signal is opened by an effect alert or a monitoring state change of a primary estimand; people acknowledge it, '
        + 'close it with a decision or reopen it on the dashboard (or with `cohortwatch signals`). Newest first.',
      tags: ['monitoring'],
      security: bearer,
      querystring: { type: 'object', properties: { state: { type: 'string', description: 'only signals in this state: open, acknowledged, closed or withdrawn' } } },
      response: { 200: signalsSchema, 400: errorSchema, 401: errorSchema, 403: errorSchema, 429: errorSchema },
    },
  }, async (request, reply) => {
    const { state } = request.query;
    if (state !== undefined && !isSignalState(state)) {
      return reply.code(400).send({ error: 'Bad Request', message: 'state must be one of open, acknowledged, closed, withdrawn' });
    }
    return apiSignals(db, state, config.smallCellMin);
  });

  app.get('/health', {
    schema: {
      summary: 'Liveness of the server and of PostgreSQL and the queue (no authentication)',
      tags: ['operations'],
      response: {
        200: { type: 'object', properties: { status: { type: 'string' }, database: { type: 'string' }, queue: { type: 'string' } } },
        503: { type: 'object', properties: { status: { type: 'string' }, database: { type: 'string' }, queue: { type: 'string' } } },
      },
    },
  }, async (_request, reply) => {
    const h = await deps.health();
    const body = { status: h.database && h.queue ? 'ok' : 'degraded', database: h.database ? 'up' : 'down', queue: h.queue ? 'up' : 'down' };
    return reply.code(h.database && h.queue ? 200 : 503).send(body);
  });

  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
}
