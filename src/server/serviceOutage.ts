// A request that failed because PostgreSQL or Redis is away is an outage to report as 503 in one
// line ("retry later"), not a bug to log with a stack trace. The serve process itself stays up: the
// pool and ioredis reconnect by themselves once the service is back.
export type OutageService = 'PostgreSQL' | 'Redis';

/** Node's socket errors for a server that is not there (refused, reset, unreachable, no such host). */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);
/**
 * PostgreSQL SQLSTATEs of a server that cannot serve (class 08 connection exception; 57P01-57P03
 * admin shutdown, crash shutdown, cannot connect now; 3D000 database dropped under us).
 * https://www.postgresql.org/docs/15/errcodes-appendix.html
 */
const POSTGRES_STATES = /^(08...|57P0[123]|3D000)$/;
/** ioredis refusing a command while disconnected (enableOfflineQueue: false, retries exhausted, closed; a cluster not ready). */
const REDIS_MESSAGES = /Stream isn't writeable|Connection is closed|MaxRetriesPerRequest|Reached the max retries|Cluster isn't ready/i;
/** node-postgres losing or failing to get a connection. */
const POSTGRES_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i;

function codeOf(error: Error): string {
  return 'code' in error && typeof error.code === 'string' ? error.code : '';
}

/** Which service the error says is away, or null for any other error. */
export function serviceOutage(error: unknown, redis: { readonly status: string }): OutageService | null {
  const causes: Error[] = [];
  for (let e: unknown = error; e instanceof Error && causes.length < 5; e = e.cause) {
    causes.push(e);
    if (e instanceof AggregateError) causes.push(...e.errors.filter((x): x is Error => x instanceof Error));
  }
  for (const e of causes) {
    const code = codeOf(e);
    if (REDIS_MESSAGES.test(`${e.name} ${e.message}`) && redis.status !== 'ready') return 'Redis';
    if (POSTGRES_STATES.test(code) || POSTGRES_MESSAGES.test(e.message)) return 'PostgreSQL';
    // A bare socket error: Redis when the limiter's connection is down, else the database pool.
    if (SOCKET_CODES.has(code)) return redis.status === 'ready' ? 'PostgreSQL' : 'Redis';
  }
  return null;
}

export function outageMessage(service: OutageService): string {
  return service === 'Redis'
    ? 'Redis is unavailable (rate limits and the queue live there); retry later'
    : 'PostgreSQL is unavailable; retry later';
}
