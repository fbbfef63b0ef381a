// The runbook's "replay the dead-letter queue": `cohortwatch dead-letter list` shows the events whose
// attempts ran out, with the failure; `dead-letter replay` puts them back on follow-up-events under the
// same job id, and a worker applies them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventJobId } from '../../src/contract/index.ts';
import { createDeadLetterQueue } from '../../src/workers/queue.ts';
import { startWorkerService } from '../../src/workers/workerService.ts';
import type { WorkerService } from '../../src/workers/workerService.ts';
import { createTestDatabase } from '../helpers/db.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { testQueuePrefix } from '../helpers/redis.ts';
import { silentLogger, testQueueConfig } from '../pipeline/support/runQueue.ts';
import { simulatedStream } from '../pipeline/support/streams.ts';
import { eventually, runCli } from './support/cli.ts';

const q = testQueuePrefix('dlq');
const config = testQueueConfig(q.prefix, q.redisUrl);
let t: TestDatabase;
let service: WorkerService;
const registration = simulatedStream(5, 1).find((e) => e.type === 'registration')!;

beforeAll(async () => {
  t = await createTestDatabase('dlq');
  const deadLetter = createDeadLetterQueue(config);
  const job = await deadLetter.add(registration.type, registration, { jobId: eventJobId(registration.eventId) });
  await job.log('2026-11-30T10:00:00.000Z connect ECONNREFUSED 127.0.0.1:5432');
  await deadLetter.close();
});
afterAll(async () => {
  await service.stop();
  await q.cleanup();
  await t.drop();
});

describe('cohortwatch dead-letter', () => {
  it('lists the dead-lettered events with the failure, then replays them to the worker', async () => {
    const env = { DATABASE_URL: t.url, REDIS_URL: q.redisUrl, QUEUE_PREFIX: q.prefix };
    const list = await runCli(['dead-letter', 'list', '--json'], env);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([{
      jobId: eventJobId(registration.eventId), type: 'registration', deadLetteredAt: expect.any(String) as unknown,
      reason: '2026-11-30T10:00:00.000Z connect ECONNREFUSED 127.0.0.1:5432',
    }]);
    expect((await runCli(['dead-letter', 'replay', 'ev-nope'], env)).stderr).toBe('cohortwatch: not in the dead-letter queue: ev-nope\n');

    service = await startWorkerService({ db: t.db, queue: config, logger: silentLogger, concurrency: 2, metricsPort: null, shutdownTimeoutMs: 2000 });
    const replay = await runCli(['dead-letter', 'replay'], env);
    expect(replay.stdout).toBe('replayed 1 event(s) onto follow-up-events\n');
    await eventually(async () => (await t.db.selectFrom('follow_up_events').select('event_id').where('event_id', '=', registration.eventId).executeTakeFirst()), 'the replayed event applied');
    expect((await runCli(['dead-letter', 'list'], env)).stdout).toBe('the dead-letter queue is empty\n');
  });
});
