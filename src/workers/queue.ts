// The one place that constructs BullMQ queues and workers from configuration, so the transport
// (connection, key prefix, or another BullMQ backend) can be swapped without touching callers.
import { Queue, QueueEvents, Worker, createPostgresBackend, withBackend } from 'bullmq';
import { Cluster, Redis } from 'ioredis';
import type { ClusterOptions, RedisOptions } from 'ioredis';
import { ConfigError } from '../config/env.ts';
import type { ConnectionOptions, DefaultJobOptions, Job, JobsOptions, Processor, WorkerOptions as BullWorkerOptions } from 'bullmq';
import type { Env } from '../config/env.ts';
import type { Logger } from '../logging/logger.ts';
import type { JobMetrics, JobOutcome } from '../metrics/jobMetrics.ts';

/** The queue producers put follow-up events on (contract v1). */
export const FOLLOW_UP_QUEUE = 'follow-up-events';
/** Events whose transient failures exhausted their attempts; kept for an operator to replay. */
export const DEAD_LETTER_QUEUE = 'follow-up-events-dlq';

/**
 * BullMQ's PostgreSQL backend as the queue store instead of Redis (the zero-setup demo): every queue
 * lives in `schema` of that database, which BullMQ's runMigrations must have prepared.
 */
export interface PostgresQueueStore {
  readonly connectionString: string;
  readonly schema: string;
  /** Connections per queue or worker (a consuming worker holds one more, for LISTEN). */
  readonly poolSize: number;
}

export interface QueueConfig {
  redisUrl: string;
  /** BullMQ key prefix; every key of every queue lives under `<prefix>:` (Redis only). */
  prefix: string;
  attempts: number;
  backoffMs: number;
  /** When set, queues and workers use BullMQ's PostgreSQL backend on this store and redisUrl is unused. */
  postgres?: PostgresQueueStore;
  /**
   * Redis Cluster startup nodes (redis:// URLs): when set, queues, workers, health checks and probes
   * connect through an ioredis Cluster and redisUrl is unused. The prefix must be a hash tag.
   */
  clusterNodes?: readonly string[];
}

/** A prefix in braces: only the part inside is hashed, so every key of the queues is in one slot. */
const HASH_TAG = /^\{[^{}]+\}$/;

export function queueConfig(env: Pick<Env, 'REDIS_URL' | 'REDIS_CLUSTER_NODES' | 'QUEUE_PREFIX' | 'JOB_ATTEMPTS' | 'JOB_BACKOFF_MS'>): QueueConfig {
  const config: QueueConfig = { redisUrl: env.REDIS_URL, prefix: env.QUEUE_PREFIX, attempts: env.JOB_ATTEMPTS, backoffMs: env.JOB_BACKOFF_MS };
  if (env.REDIS_CLUSTER_NODES === undefined) return config;
  if (!HASH_TAG.test(env.QUEUE_PREFIX)) {
    throw new ConfigError(`invalid configuration: QUEUE_PREFIX must be a hash tag such as {cohortwatch} with REDIS_CLUSTER_NODES (BullMQ's scripts need every key of a queue in one slot; got ${env.QUEUE_PREFIX})`);
  }
  return { ...config, clusterNodes: env.REDIS_CLUSTER_NODES };
}

/**
 * What callers use of a queue, whichever backend holds it. BullMQ types a queue by its backend, so a
 * Redis queue and a PostgreSQL queue are different types; both fit this view of the same API.
 */
export type BullQueue<D> = Pick<Queue<D, unknown, string>,
  'name' | 'add' | 'addBulk' | 'getJob' | 'getJobs' | 'getJobLogs' | 'getJobState' | 'getJobCounts' | 'getJobSchedulers' | 'upsertJobScheduler' | 'removeJobScheduler' | 'obliterate' | 'close'>;

/** What callers use of a worker, whichever backend it consumes. */
export interface BullWorker<D> {
  on(event: 'failed', listener: (job: Job<D, unknown, string> | undefined, error: Error, prev: string) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  isRunning(): boolean;
  run(): Promise<void>;
  close(force?: boolean): Promise<void>;
}

/** Job data is whatever a producer sent: untrusted until the worker validated it. */
export type FollowUpJobData = unknown;
export type FollowUpQueue = BullQueue<FollowUpJobData>;
export type FollowUpWorker = BullWorker<FollowUpJobData>;

const OnPostgres = withBackend(createPostgresBackend);

function redisConnection(config: QueueConfig): ConnectionOptions {
  // maxRetriesPerRequest null: BullMQ's blocking commands must wait through a Redis restart
  // instead of failing the worker.
  return { url: config.redisUrl, maxRetriesPerRequest: null };
}

/**
 * An ioredis Cluster on the startup nodes (BullMQ's documented way to use a cluster: pass the client
 * as the connection). Credentials and TLS come from the first URL and apply to every node. BullMQ
 * never closes a client it was given, so whoever creates one closes it (see closingClient).
 */
export function clusterClient(nodes: readonly string[]): Cluster {
  return newCluster(nodes, { maxRetriesPerRequest: null }, {});
}

/** A Cluster on the startup nodes with the first URL's credentials and TLS added to `nodeOptions`. */
function newCluster(nodes: readonly string[], nodeOptions: RedisOptions, options: ClusterOptions): Cluster {
  const urls = nodes.map((node) => new URL(node));
  const first = urls[0];
  const username = decodeURIComponent(first.username);
  const password = decodeURIComponent(first.password);
  return new Cluster(urls.map((url) => ({ host: url.hostname, port: url.port === '' ? 6379 : Number(url.port) })), {
    ...options,
    redisOptions: {
      ...nodeOptions,
      ...(username === '' ? {} : { username }),
      ...(password === '' ? {} : { password }),
      ...(first.protocol === 'rediss:' ? { tls: {} } : {}),
    },
  });
}

/**
 * Where the queues' Redis is, for the connections BullMQ does not make itself (the start-up check, the
 * /healthz probes, `serve`'s rate limiter): one node (REDIS_URL), or a cluster through its startup
 * nodes (REDIS_CLUSTER_NODES; REDIS_URL is then unused). `prefix` is the hash tag whose slot holds
 * every queue key, so a probe can ask the very node the queues depend on.
 */
export type RedisTarget =
  | { readonly kind: 'node'; readonly url: string }
  | { readonly kind: 'cluster'; readonly nodes: readonly string[]; readonly prefix: string };

export function redisTarget(config: Pick<QueueConfig, 'redisUrl' | 'prefix' | 'clusterNodes'>): RedisTarget {
  return config.clusterNodes ? { kind: 'cluster', nodes: config.clusterNodes, prefix: config.prefix } : { kind: 'node', url: config.redisUrl };
}

/** How a client outside BullMQ connects and gives up. */
export interface RedisClientOptions {
  /** Connect on connect() (a one-off check) instead of at once (a long-lived probe). */
  readonly lazyConnect: boolean;
  readonly connectTimeoutMs?: number;
  readonly commandTimeoutMs?: number;
  readonly maxRetriesPerRequest: number;
  /** Delay before reconnect attempt n, null to stay down; ioredis's default when absent. */
  readonly retryDelayMs?: (attempt: number) => number | null;
}

/** A single-node or cluster client; both answer the commands the callers send. */
export type RedisClient = Redis | Cluster;

/**
 * A client of the target that fails commands at once while disconnected (no offline queue), so a
 * check or a probe answers within its timeout and a rate-limited request gets its 503 at once.
 */
export function redisClient(target: RedisTarget, options: RedisClientOptions): RedisClient {
  const nodeOptions: RedisOptions = {
    maxRetriesPerRequest: options.maxRetriesPerRequest,
    ...(options.connectTimeoutMs === undefined ? {} : { connectTimeout: options.connectTimeoutMs }),
    ...(options.commandTimeoutMs === undefined ? {} : { commandTimeout: options.commandTimeoutMs }),
  };
  if (target.kind === 'node') {
    return new Redis(target.url, {
      ...nodeOptions, lazyConnect: options.lazyConnect, enableOfflineQueue: false,
      ...(options.retryDelayMs === undefined ? {} : { retryStrategy: options.retryDelayMs }),
    });
  }
  // The cluster reconnects as a whole (clusterRetryStrategy); its node connections never retry on
  // their own (ioredis), it refreshes the slots instead.
  return newCluster(target.nodes, nodeOptions, {
    lazyConnect: options.lazyConnect, enableOfflineQueue: false,
    ...(options.retryDelayMs === undefined ? {} : { clusterRetryStrategy: options.retryDelayMs }),
  });
}

/**
 * BullMQ's QueueEvents of a Redis queue (single node or cluster; `--wait` of a command). On a cluster
 * BullMQ duplicates the client for its blocking XREAD and closes that copy; closing the QueueEvents
 * also disconnects the client given to it.
 */
export function createQueueEvents(config: QueueConfig, name: string): QueueEvents {
  if (config.clusterNodes) {
    const client = clusterClient(config.clusterNodes);
    client.on('error', () => undefined);
    const events = new QueueEvents(name, { connection: client, prefix: config.prefix });
    events.on('error', () => undefined);
    return closingClient(events, client);
  }
  const events = new QueueEvents(name, { connection: redisConnection(config), prefix: config.prefix });
  events.on('error', () => undefined);
  return events;
}

/** Closing `closable` also disconnects the cluster client it was given. */
function closingClient<T extends { close(force?: boolean): Promise<void> }>(closable: T, client: Cluster): T {
  const close = closable.close.bind(closable);
  closable.close = async (force?: boolean) => {
    try {
      await close(force);
    } finally {
      client.disconnect();
    }
  };
  return closable;
}

function postgresConnection(store: PostgresQueueStore) {
  // skipMigrations: the schema is migrated once, up front, not by every queue and worker at start-up.
  return { connectionString: store.connectionString, schema: store.schema, max: store.poolSize, skipMigrations: true };
}

/**
 * A queue on the configured backend. Connection errors reach callers through the calls they await
 * (which wait for the reconnect); the 'error' event of an EventEmitter with no listener would instead
 * crash the process, hence the listener.
 */
export function createQueue<D>(config: QueueConfig, name: string, defaultJobOptions: DefaultJobOptions): BullQueue<D> {
  if (config.postgres) {
    const queue = new OnPostgres.Queue<D, unknown, string>(name, { connection: postgresConnection(config.postgres), defaultJobOptions });
    queue.on('error', () => undefined);
    return queue;
  }
  if (config.clusterNodes) {
    const client = clusterClient(config.clusterNodes);
    client.on('error', () => undefined);
    const queue = new Queue<D, unknown, string>(name, { connection: client, prefix: config.prefix, defaultJobOptions });
    queue.on('error', () => undefined);
    return closingClient(queue, client);
  }
  const queue = new Queue<D, unknown, string>(name, { connection: redisConnection(config), prefix: config.prefix, defaultJobOptions });
  queue.on('error', () => undefined);
  return queue;
}

/** BullMQ worker settings other than where the queue lives. */
export type ConsumerOptions = Omit<BullWorkerOptions, 'connection' | 'prefix'>;

/**
 * What every worker of the project shares: where its job lines and connection errors are logged, and
 * how long a stop waits for running jobs (SHUTDOWN_TIMEOUT_MS) before it forces the close.
 */
export interface WorkerLifecycle {
  readonly logger: Logger;
  readonly shutdownTimeoutMs: number;
  /** Counts and times finished jobs when given (the /metrics of the worker and the scheduler). */
  readonly metrics?: JobMetrics;
}

/** A worker built by createWorker: BullMQ's worker plus the project's bounded stop. */
export interface ManagedWorker<D> extends BullWorker<D> {
  /**
   * Stops taking jobs and waits up to shutdownTimeoutMs for running ones, then forces the close (their
   * locks expire and another worker retries them). Resolves true when the running jobs finished.
   * Never waits longer than shutdownTimeoutMs plus FORCED_CLOSE_MS, even with Redis unreachable.
   */
  stop(): Promise<boolean>;
}

/** How long a forced close may take before it is abandoned (a dead connection can block it). */
export const FORCED_CLOSE_MS = 300;

type AnyJob<D> = Job<D, unknown, string>;

/**
 * The one constructor of BullMQ workers: every worker gets the same lifecycle, an 'error' listener (a
 * connection error is logged instead of crashing the process), a log line per finished job with its
 * id, outcome, attempt and duration, and a bounded stop.
 */
export function createWorker<D>(
  config: QueueConfig,
  name: string,
  processor: Processor<D, unknown, string>,
  options: ConsumerOptions,
  lifecycle: WorkerLifecycle,
): ManagedWorker<D> {
  const worker: BullWorker<D> & SupervisedWorker<D> = config.postgres
    ? new OnPostgres.Worker<D, unknown, string>(name, processor, { ...options, connection: postgresConnection(config.postgres) })
    : config.clusterNodes
      ? clusterWorker(config.clusterNodes, config.prefix, name, processor, options)
      : new Worker<D, unknown, string>(name, processor, { ...options, connection: redisConnection(config), prefix: config.prefix });
  superviseWorker(worker, name, lifecycle.logger, lifecycle.metrics);
  let stopping: Promise<boolean> | null = null;
  const stop = (): Promise<boolean> => {
    stopping ??= closeWithin(worker, name, lifecycle);
    return stopping;
  };
  return Object.assign(worker, { stop });
}

/** A worker on a Redis Cluster (BullMQ duplicates the client for its blocking connection, and closes that one itself). */
function clusterWorker<D>(nodes: readonly string[], prefix: string, name: string, processor: Processor<D, unknown, string>, options: ConsumerOptions): Worker<D, unknown, string> {
  const client = clusterClient(nodes);
  client.on('error', () => undefined);
  return closingClient(new Worker<D, unknown, string>(name, processor, { ...options, connection: client, prefix }), client);
}

interface SupervisedWorker<D> {
  on(event: 'completed', listener: (job: AnyJob<D>) => void): unknown;
  on(event: 'failed', listener: (job: AnyJob<D> | undefined, error: Error) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'stalled', listener: (jobId: string) => void): unknown;
}

/** Milliseconds from the job's start to its end, when BullMQ recorded both. */
function durationMs<D>(job: AnyJob<D>): number | null {
  return job.processedOn && job.finishedOn ? job.finishedOn - job.processedOn : null;
}

export function superviseWorker<D>(worker: SupervisedWorker<D>, queue: string, logger: Logger, metrics?: JobMetrics): void {
  const count = (outcome: JobOutcome, ms: number | null) => {
    metrics?.jobs.inc({ queue, outcome });
    if (ms !== null) metrics?.seconds.observe({ queue }, ms / 1000);
  };
  worker.on('completed', (job) => {
    const ms = durationMs(job);
    count('completed', ms);
    logger.info({ queue, jobId: job.id, job: job.name, outcome: 'completed', attempt: job.attemptsMade, durationMs: ms }, 'job completed');
  });
  worker.on('failed', (job, error) => {
    if (job === undefined) {
      count('failed', null);
      logger.error({ queue, outcome: 'failed', err: error.message }, 'job failed');
      return;
    }
    // attemptsMade already counts this attempt; UnrecoverableError and the last attempt are final.
    const attempts = job.opts.attempts ?? 1;
    const final = error.name === 'UnrecoverableError' || job.attemptsMade >= attempts;
    const ms = durationMs(job);
    count(final ? 'failed' : 'retrying', ms);
    const line = { queue, jobId: job.id, job: job.name, outcome: final ? 'failed' : 'retrying', attempt: job.attemptsMade, attempts, durationMs: ms, err: error.message };
    if (final) logger.error(line, 'job failed');
    else logger.warn(line, 'job failed, will retry');
  });
  worker.on('stalled', (jobId) => {
    count('stalled', null);
    logger.warn({ queue, jobId, outcome: 'stalled' }, 'job stalled (its worker stopped renewing the lock); it will be retried');
  });
  worker.on('error', (error) => logger.error({ queue, err: error.message }, 'worker error'));
}

/** worker.close() waits for running jobs with no limit of its own: force the close after the timeout. */
async function closeWithin<D>(worker: BullWorker<D>, queue: string, lifecycle: WorkerLifecycle): Promise<boolean> {
  const finished = await within(worker.close().then(() => true as const, () => false as const), lifecycle.shutdownTimeoutMs);
  if (finished === true) return true;
  lifecycle.logger.warn({ queue, timeoutMs: lifecycle.shutdownTimeoutMs }, 'running jobs did not finish in time; closing anyway (their locks expire and another worker retries them)');
  await within(worker.close(true).catch(() => undefined), FORCED_CLOSE_MS);
  return false;
}

/** The promise's value, or null when it has not settled within ms (the promise keeps running). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), ms); });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Completed jobs are removed at once: the database, not the queue, guarantees exactly-once, and the
 * same event may legitimately be enqueued again later. Failed jobs are removed too: invalid ones are
 * in rejected_events, exhausted ones in the dead-letter queue.
 */
export function followUpJobOptions(config: QueueConfig): JobsOptions {
  return {
    attempts: config.attempts,
    backoff: { type: 'exponential', delay: config.backoffMs },
    removeOnComplete: true,
    removeOnFail: true,
  };
}

export function createFollowUpQueue(config: QueueConfig): FollowUpQueue {
  return createQueue<FollowUpJobData>(config, FOLLOW_UP_QUEUE, followUpJobOptions(config));
}

export function createDeadLetterQueue(config: QueueConfig): FollowUpQueue {
  return createQueue<FollowUpJobData>(config, DEAD_LETTER_QUEUE, { removeOnComplete: false, removeOnFail: false });
}

export interface WorkerOptions {
  concurrency: number;
  lifecycle: WorkerLifecycle;
  maxStalledCount?: number;
  /** Job lock (and stalled-check interval); default BullMQ's 30 s. */
  lockMs?: number;
  /** Start consuming at once (default) or wait for `worker.run()`. */
  autorun?: boolean;
}

export function createFollowUpWorker(
  config: QueueConfig,
  processor: Processor<FollowUpJobData, unknown, string>,
  options: WorkerOptions,
): ManagedWorker<FollowUpJobData> {
  return createWorker<FollowUpJobData>(config, FOLLOW_UP_QUEUE, processor, {
    concurrency: options.concurrency,
    maxStalledCount: options.maxStalledCount ?? 1,
    ...(options.lockMs === undefined ? {} : { lockDuration: options.lockMs, stalledInterval: options.lockMs }),
    autorun: options.autorun ?? true,
  }, options.lifecycle);
}
