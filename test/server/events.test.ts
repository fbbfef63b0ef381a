// POST /api/v1/events against real PostgreSQL and Redis: one result per event in order, the worker's
// validation and wording, duplicates told from conflicts (in the request, on the queue, in the
// database), rejections recorded, and a queue that does not answer gives 503 with nothing queued.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { eventJobId } from '../../src/contract/index.ts';
import { buildServer } from '../../src/server/buildServer.ts';
import { healthCheck } from '../../src/server/startServer.ts';
import { applyEvent } from '../../src/workers/applyEvent.ts';
import { createFollowUpQueue } from '../../src/workers/queue.ts';
import { startHarness } from './support/serverHarness.ts';
import type { Harness } from './support/serverHarness.ts';

let h: Harness;
let key: string;

const death = (eventId: string, occurredOn = '2020-01-01') => ({ eventId, patientId: 'P100', type: 'death', occurredOn, reportedAt: '2020-01-05T10:00:00Z' });
type Result = { index: number; eventId: string | null; status: string; reason: string | null };

async function post(payload: unknown): Promise<{ status: number; results: Result[]; counts: Record<string, number> }> {
  const response = await h.app.inject({ method: 'POST', url: '/api/v1/events', headers: { authorization: `Bearer ${key}` }, payload: payload as object });
  const body = response.json<{ results: Result[]; queued: number; duplicate: number; rejected: number }>();
  return { status: response.statusCode, results: body.results, counts: { queued: body.queued, duplicate: body.duplicate, rejected: body.rejected } };
}

beforeAll(async () => {
  h = await startHarness('serve_events');
  key = (await h.addKey(['events:write'])).key;
});

afterAll(async () => {
  await h?.close();
});

describe('POST /api/v1/events', () => {
  it('answers one result per event, in order, with the worker\'s reasons', async () => {
    const { status, results, counts } = await post([
      death('a-1'),
      { ...death('b-1'), occurredOn: '2011-02-30' },
      death('a-1'),
      death('a-1', '2019-12-31'),
      death('c-1'),
      'not an event',
    ]);
    expect(status).toBe(200);
    expect(results).toEqual([
      { index: 0, eventId: 'a-1', status: 'queued', reason: null },
      { index: 1, eventId: 'b-1', status: 'rejected', reason: 'occurredOn 2011-02-30 is not a calendar date' },
      { index: 2, eventId: 'a-1', status: 'duplicate', reason: 'repeats event 0 of this request' },
      { index: 3, eventId: 'a-1', status: 'rejected', reason: 'eventId a-1 repeats event 0 of this request with a different payload; the first one stands' },
      { index: 4, eventId: 'c-1', status: 'queued', reason: null },
      { index: 5, eventId: null, status: 'rejected', reason: 'event must be a JSON object (got "not an event")' },
    ]);
    expect(counts).toEqual({ queued: 2, duplicate: 1, rejected: 3 });
    const job = await h.queue.getJob(eventJobId('a-1'));
    expect(job?.data).toEqual(death('a-1'));
    expect(job?.name).toBe('death');
    const rejected = await h.db.selectFrom('rejected_events').select(['kind', 'event_id', 'reason']).orderBy('id').execute();
    expect(rejected).toEqual([
      { kind: 'invalid', event_id: 'b-1', reason: 'occurredOn 2011-02-30 is not a calendar date' },
      { kind: 'conflict', event_id: 'a-1', reason: 'eventId a-1 repeats event 0 of this request with a different payload; the first one stands' },
      { kind: 'invalid', event_id: null, reason: 'event must be a JSON object (got "not an event")' },
    ]);
  });

  it('tells a redelivery of a queued event from a conflicting one', async () => {
    const results = [...(await post([death('c-1')])).results, ...(await post([death('c-1', '2019-06-30')])).results];
    expect(results.map((r) => [r.status, r.reason])).toEqual([
      ['duplicate', 'already queued'],
      ['rejected', 'eventId c-1 is already queued with a different payload; the first one stands'],
    ]);
  });

  it('tells a redelivery of a stored event from a conflicting one, in the worker\'s words', async () => {
    // The worker's own code applies the event; its job would then be removed from the queue.
    expect((await applyEvent(h.db, death('s-1'))).kind).toBe('applied');
    const results = [...(await post([death('s-1')])).results, ...(await post([death('s-1', '2019-06-30')])).results];
    expect(results.map((r) => [r.status, r.reason])).toEqual([
      ['duplicate', 'already stored'],
      ['rejected', 'eventId s-1 was already stored with a different payload; the first one stands'],
    ]);
    expect(await h.queue.getJob(eventJobId('s-1'))).toBeUndefined();
    const conflict = await h.db.selectFrom('rejected_events').select('kind').where('event_id', '=', 's-1').execute();
    expect(conflict).toEqual([{ kind: 'conflict' }]);
  });

  it('an empty array is an empty answer', async () => {
    expect(await post([])).toEqual({ status: 200, results: [], counts: { queued: 0, duplicate: 0, rejected: 0 } });
  });

  it('503 with nothing queued or recorded when the queue does not answer; health says which service is down', async () => {
    const deadQueue = createFollowUpQueue({ redisUrl: 'redis://127.0.0.1:1', prefix: 'nowhere', attempts: 1, backoffMs: 10 });
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
    const app = await buildServer({
      db: h.db, queue: deadQueue, redis, logger: pino({ level: 'silent' }), config: { ...h.config, enqueueTimeoutMs: 300 },
      health: healthCheck(h.db, deadQueue, 300),
    });
    try {
      const before = await h.db.selectFrom('rejected_events').select('id').execute();
      const response = await app.inject({ method: 'POST', url: '/api/v1/events', headers: { authorization: `Bearer ${key}` }, payload: [death('d-1'), { eventId: 'bad' }] });
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe('30');
      expect(response.json<{ message: string }>().message).toMatch(/nothing was queued/);
      expect(await h.db.selectFrom('rejected_events').select('id').execute()).toHaveLength(before.length);
      const health = await app.inject({ method: 'GET', url: '/api/v1/health' });
      expect(health.statusCode).toBe(503);
      expect(health.json()).toEqual({ status: 'degraded', database: 'up', queue: 'down' });
    } finally {
      await app.close();
      await deadQueue.close().catch(() => undefined);
      redis.disconnect();
    }
  });

  it('publishes an OpenAPI document of the API routes only', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(response.statusCode).toBe(200);
    const doc = response.json<{ openapi: string; paths: Record<string, Record<string, { security?: unknown }>> }>();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(['/api/v1/events', '/api/v1/health', '/api/v1/looks', '/api/v1/monitoring', '/api/v1/signals']);
    expect(doc.paths['/api/v1/events'].post.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/api/v1/monitoring'].get.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/api/v1/signals'].get.security).toEqual([{ bearerAuth: [] }]);
  });
});
