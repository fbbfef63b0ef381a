// Probes of the two services everything depends on, PostgreSQL and Redis: a start-up check that fails
// fast with one line naming the service and its URL (password masked), and a live probe for /healthz.
// Without them a command waits silently forever (BullMQ retries Redis without a limit, by design, so a
// worker rides out a Redis restart) and the operator sees nothing. Redis is the queues' transport: one
// node (REDIS_URL) or a Redis Cluster (REDIS_CLUSTER_NODES), whose clients src/workers/queue.ts makes.
import pg from 'pg';
import { redisClient } from '../workers/queue.ts';
import type { RedisClient, RedisTarget } from '../workers/queue.ts';

/** A dependency could not be reached; the message is the one line a user sees. */
export class DependencyError extends Error {
  override name = 'DependencyError';
}

export type ServiceName = 'PostgreSQL' | 'Redis';

/** The URL with its password replaced by ***, for messages and logs. */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

function reason(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return reason(error.errors[0]);
  if (error instanceof Error) {
    const code = 'code' in error && typeof error.code === 'string' ? error.code : '';
    const message = error.message.split('\n')[0];
    return code !== '' && !message.includes(code) ? `${code}: ${message}` : message || code || error.name;
  }
  return String(error);
}

export function unreachable(service: ServiceName, url: string, error: unknown): DependencyError {
  return new DependencyError(`${service} at ${maskUrl(url)} is unreachable (${reason(error)})`);
}

/** `Redis at URL`, or `Redis Cluster at URL, URL` for its startup nodes (passwords masked). */
export function describeRedis(target: RedisTarget): string {
  return target.kind === 'node' ? `Redis at ${maskUrl(target.url)}` : `Redis Cluster at ${target.nodes.map(maskUrl).join(', ')}`;
}

/**
 * One command that the queues' Redis answers: PING on a node; on a cluster EXISTS of a key in the
 * queues' hash-tag slot, so it is the node owning their keys that must answer (a PING would go to any
 * node, up while the queues' one is down).
 */
async function ask(client: RedisClient, target: RedisTarget): Promise<void> {
  if (target.kind === 'node') await client.ping();
  else await client.exists(`${target.prefix}:healthz`);
}

/** Connects, runs `select 1` and disconnects, within timeoutMs; throws a DependencyError otherwise. */
export async function checkPostgres(url: string, timeoutMs: number, database = true): Promise<void> {
  let target = url;
  if (!database) {
    // `migrate` creates the database: only the server must answer.
    const server = new URL(url);
    server.pathname = '/postgres';
    target = server.toString();
  }
  const client = new pg.Client({ connectionString: target, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs, application_name: 'cohortwatch-check' });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    // A missing database is not an outage: say what to do.
    if (error instanceof Error && 'code' in error && error.code === '3D000') {
      throw new DependencyError(`PostgreSQL at ${maskUrl(url)}: ${error.message}; run \`cohortwatch migrate\` first`);
    }
    throw unreachable('PostgreSQL', url, error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Connects a one-off client, asks (see ask) and disconnects, within timeoutMs: null when it answered,
 * else the most telling error (the client's last socket error, or the failure itself). `whole` bounds
 * connect and command together; otherwise each is bounded by its own timeout, whose errors say more.
 */
async function answerOnce(target: RedisTarget, timeoutMs: number, whole: boolean): Promise<unknown> {
  const redis = redisClient(target, { lazyConnect: true, connectTimeoutMs: timeoutMs, commandTimeoutMs: timeoutMs, maxRetriesPerRequest: 0, retryDelayMs: () => null });
  let lastError: unknown = null;
  redis.on('error', (error: unknown) => { lastError = error; });
  try {
    const answered = redis.connect().then(() => ask(redis, target));
    await (whole ? withTimeout(answered, timeoutMs, 'no answer') : answered);
    return null;
  } catch (error) {
    return lastError ?? error;
  } finally {
    redis.disconnect();
  }
}

/** Connects, asks (see ask) and disconnects, within timeoutMs; throws a DependencyError otherwise. */
export async function checkRedis(target: RedisTarget, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // A cluster's connect is several steps (slots, then a ready check): bounded as a whole.
  let why = await answerOnce(target, timeoutMs, target.kind === 'cluster');
  if (why === null) return;
  // A cluster client keeps its nodes' socket errors to itself ("Connection is closed."): ask the nodes.
  if (target.kind === 'cluster') why = await nodesProblem(target.nodes, deadline - Date.now()) ?? why;
  throw new DependencyError(`${describeRedis(target)} is unreachable (${reason(why)})`);
}

/** The first startup node's own connection error (in their order), or null when they all answer a PING. */
async function nodesProblem(nodes: readonly string[], timeoutMs: number): Promise<unknown> {
  if (timeoutMs < 50) return null;
  const problems = await Promise.all(nodes.map((url) => answerOnce({ kind: 'node', url }, timeoutMs, true)));
  return problems.find((problem) => problem !== null) ?? null;
}

/** Checks each named service (at once), within timeoutMs; one DependencyError names every one that failed. */
export async function checkDependencies(checks: { postgres?: string; postgresServerOnly?: boolean; redis?: RedisTarget }, timeoutMs: number): Promise<void> {
  const results = await Promise.allSettled([
    checks.postgres === undefined ? null : checkPostgres(checks.postgres, timeoutMs, !checks.postgresServerOnly),
    checks.redis === undefined ? null : checkRedis(checks.redis, timeoutMs),
  ]);
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason instanceof Error ? r.reason.message : String(r.reason)] : []));
  if (failures.length > 0) throw new DependencyError(failures.join('; '));
}

/**
 * A long-lived Redis connection for /healthz: commands fail at once while it is disconnected (no
 * offline queue) and it reconnects by itself, so a probe answers within its timeout whatever Redis does.
 */
export interface RedisProbe {
  probe(timeoutMs?: number): Promise<string>;
  close(): void;
}

export function redisProbe(target: RedisTarget): RedisProbe {
  const redis = redisClient(target, { lazyConnect: false, connectTimeoutMs: 2000, maxRetriesPerRequest: 0, retryDelayMs: (times) => Math.min(times * 200, 2000) });
  let lastError: unknown = null;
  redis.on('error', (error: unknown) => { lastError = error; });
  // A node's probe names it through its errors (connect ECONNREFUSED host:port); a cluster's names its startup nodes.
  const where = target.kind === 'node' ? '' : `${describeRedis(target)}: `;
  return {
    async probe(timeoutMs = 2000) {
      if (redis.status !== 'ready') return `unreachable (${where}${redis.status}${lastError === null ? '' : `: ${reason(lastError)}`})`;
      return withTimeout(ask(redis, target).then(() => 'ok'), timeoutMs, 'no answer').catch((error: unknown) => `unreachable (${where}${reason(error)})`);
    },
    close: () => redis.disconnect(),
  };
}

/** `select 1` on the pool, within timeoutMs: 'ok' or what went wrong. */
export async function probePostgres(query: () => Promise<unknown>, timeoutMs = 2000): Promise<string> {
  return withTimeout(query().then(() => 'ok'), timeoutMs, 'no answer').catch((error: unknown) => `unreachable (${reason(error)})`);
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
