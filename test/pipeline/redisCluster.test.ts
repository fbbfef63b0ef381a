// The pipeline on a real Redis Cluster: three redis-server nodes started on free ports
// (support/redisCluster.ts: --cluster-enabled yes, `redis-cli --cluster create`), the queue and an
// in-process worker service connected through REDIS_CLUSTER_NODES (an ioredis Cluster), the
// hash-tagged prefix putting every key in one slot. Skipped only when redis-server is not installed.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/config/env.ts';
import { enqueueEvents } from '../../src/workers/enqueueEvents.ts';
import { clusterClient, createFollowUpQueue, queueConfig } from '../../src/workers/queue.ts';
import { waitForJobs } from '../../src/workers/waitForJobs.ts';
import { startWorkerService } from '../../src/workers/workerService.ts';
import { createTestDatabase } from '../helpers/db.ts';
import { hasRedisServer, startRedisCluster } from './support/redisCluster.ts';
import type { PrivateRedisCluster } from './support/redisCluster.ts';
import { silentLogger } from './support/runQueue.ts';
import { simulatedStream, trickyPatient } from './support/streams.ts';

describe.skipIf(!hasRedisServer)('the pipeline on a 3-node Redis Cluster', () => {
  let servers: PrivateRedisCluster;
  const nodes: { port: number }[] = [];

  beforeAll(async () => {
    servers = await startRedisCluster(3);
    nodes.push(...servers.ports.map((port) => ({ port })));
  }, 60_000);

  afterAll(async () => {
    await servers.stop();
  });

  it('REDIS_CLUSTER_NODES needs a hash-tagged prefix', () => {
    const env = loadEnv({ REDIS_CLUSTER_NODES: 'redis://127.0.0.1:7000, redis://127.0.0.1:7001' });
    expect(env.REDIS_CLUSTER_NODES).toEqual(['redis://127.0.0.1:7000', 'redis://127.0.0.1:7001']);
    expect(queueConfig(env).clusterNodes).toEqual(env.REDIS_CLUSTER_NODES);
    expect(() => queueConfig(loadEnv({ REDIS_CLUSTER_NODES: 'redis://127.0.0.1:7000', QUEUE_PREFIX: 'plain' }))).toThrow(/QUEUE_PREFIX must be a hash tag/);
    expect(() => loadEnv({ REDIS_CLUSTER_NODES: '127.0.0.1:7000' })).toThrow(/REDIS_CLUSTER_NODES/);
    expect(queueConfig(loadEnv({})).clusterNodes).toBeUndefined();
  });

  it('applies every event exactly once through queues and a worker on the cluster, all keys in one slot', async () => {
    const env = loadEnv({ REDIS_URL: `redis://127.0.0.1:${nodes[0].port}`, REDIS_CLUSTER_NODES: `redis://127.0.0.1:${nodes[1].port}`, QUEUE_PREFIX: '{cwcluster}' });
    const config = { ...queueConfig(env), attempts: 20, backoffMs: 100 };
    const t = await createTestDatabase('redis-cluster');
    const queue = createFollowUpQueue(config);
    const service = await startWorkerService({ db: t.db, queue: config, logger: silentLogger, concurrency: 50, metricsPort: null, shutdownTimeoutMs: 5000 });
    const cluster = clusterClient(config.clusterNodes ?? []);
    try {
      const events = [...simulatedStream(6, 11), ...trickyPatient('cluster-tricky')];
      const ids = await enqueueEvents(queue, events.map((e) => ({ eventId: e.eventId, name: e.type, data: e })));
      await waitForJobs(queue, ids, { pollMs: 50, timeoutMs: 60_000 });
      const stored = await t.db.selectFrom('follow_up_events').select('event_id').execute();
      expect(stored).toHaveLength(new Set(events.map((e) => e.eventId)).size);
      const timelines = await t.db.selectFrom('timelines').select('patient_id').execute();
      expect(timelines.length).toBeGreaterThan(1);

      // Every key the queues wrote is on the one node owning the tag's slot, under the prefix.
      const slot = Number(await cluster.cluster('KEYSLOT', '{cwcluster}'));
      const perNode = await Promise.all(nodes.map(async (node) => {
        const redis = new Redis({ port: node.port, host: '127.0.0.1' });
        try {
          return await redis.keys('*');
        } finally {
          redis.disconnect();
        }
      }));
      const withKeys = perNode.filter((keys) => keys.length > 0);
      expect(withKeys).toHaveLength(1);
      for (const key of withKeys[0]) {
        expect(key.startsWith('{cwcluster}:')).toBe(true);
        expect(Number(await cluster.cluster('KEYSLOT', key))).toBe(slot);
      }
    } finally {
      cluster.disconnect();
      await service.stop();
      await queue.close();
      await t.drop();
    }
  }, 90_000);
});
