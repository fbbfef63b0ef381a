// Probes of the two services everything depends on, PostgreSQL and Redis: a start-up check that fails
// fast with one line naming the service and its URL (password masked), and a live probe for /healthz.
// Without them a command waits silently forever (BullMQ retries Redis without a limit, by design, so a
// worker rides out a Redis restart) and the operator sees nothing.
import pg from 'pg';
import { Redis } from 'ioredis';

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

/** Connects, PINGs and disconnects, within timeoutMs; throws a DependencyError otherwise. */
export async function checkRedis(url: string, timeoutMs: number): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, commandTimeout: timeoutMs, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  let lastError: unknown = null;
  redis.on('error', (error: unknown) => { lastError = error; });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw unreachable('Redis', url, lastError ?? error);
  } finally {
    redis.disconnect();
  }
}

/** Checks each named service (at once), within timeoutMs; one DependencyError names every one that failed. */
export async function checkDependencies(checks: { postgres?: string; postgresServerOnly?: boolean; redis?: string }, timeoutMs: number): Promise<void> {
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

export function redisProbe(url: string): RedisProbe {
  const redis = new Redis(url, {
    lazyConnect: false, connectTimeout: 2000, maxRetriesPerRequest: 0, enableOfflineQueue: false,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  let lastError = '';
  redis.on('error', (error: Error) => { lastError = reason(error); });
  return {
    async probe(timeoutMs = 2000) {
      if (redis.status !== 'ready') return `unreachable (${redis.status}${lastError ? `: ${lastError}` : ''})`;
      return withTimeout(redis.ping().then(() => 'ok'), timeoutMs, 'no answer').catch((error: unknown) => `unreachable (${reason(error)})`);
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
