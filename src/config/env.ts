import { z } from 'zod';
import { canonicalEmailAddress } from '../contract/emailAddress.ts';
import { ConfigError } from './configError.ts';

// Every setting comes from the environment (secrets included), validated once at start-up, so a
// typo stops the process with the variable's name instead of failing later in a connection.
const urlWithProtocol = (protocols: readonly string[]) =>
  z.string().refine((value) => {
    try {
      return protocols.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);

export const envSchema = z.object({
  DATABASE_URL: urlWithProtocol(['postgres:', 'postgresql:']).default('postgres://postgres@127.0.0.1:5432/cohortwatch'),
  REDIS_URL: urlWithProtocol(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
  // Redis Cluster: the startup nodes (comma-separated redis:// or rediss:// URLs; any few of the
  // cluster's nodes, it discovers the rest). When set, everything that talks to Redis does so through
  // an ioredis Cluster on these nodes (queues, workers, QueueEvents, start-up checks, /healthz probes,
  // serve's rate limiter) and REDIS_URL is not used at all.
  REDIS_CLUSTER_NODES: z.string().optional().transform((value, ctx) => {
    if (value === undefined || value.trim() === '') return undefined;
    const nodes = value.split(',').map((n) => n.trim()).filter((n) => n !== '');
    for (const node of nodes) {
      let ok = false;
      try {
        ok = ['redis:', 'rediss:'].includes(new URL(node).protocol);
      } catch {
        ok = false;
      }
      if (!ok) ctx.addIssue({ code: 'custom', message: `must be comma-separated URLs starting with redis:// or rediss:// (got ${JSON.stringify(node.replace(/\/\/[^@/]*@/, '//***@'))})` });
    }
    return nodes;
  }),
  // BullMQ runs multi-key Lua scripts, so on Redis Cluster every key of a queue must hash to one slot:
  // a prefix in braces is a hash tag (only the part inside is hashed), so the default works there too.
  QUEUE_PREFIX: z.string().regex(/^(\{[A-Za-z0-9_-]{1,30}\}|[A-Za-z0-9_-]{1,32})$/, 'must be 1-32 of A-Z a-z 0-9 _ -, or such a name in braces (a Redis Cluster hash tag)')
    .default('{cohortwatch}'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  // The scheduler's /healthz and /metrics (its own default, so a worker and a scheduler fit on one host).
  SCHEDULER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9465),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(1000),
  // Attempts per event before a transient failure (database down) sends it to the dead-letter
  // queue; with exponential backoff from JOB_BACKOFF_MS, 10 attempts span about 17 minutes.
  JOB_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(10),
  JOB_BACKOFF_MS: z.coerce.number().int().min(1).max(600_000).default(1000),
  // How long a stopping worker waits for running jobs before it exits anyway (their locks expire
  // and another worker picks them up: nothing is lost, a transaction is all or nothing).
  // A job whose worker died is noticed once its lock expires (BullMQ's stalled-job check), then
  // retried by another worker; shorter means faster recovery but more lock renewals.
  JOB_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  // How long a command or service waits for PostgreSQL or Redis to answer at start-up before it
  // exits with one line naming the service (the whole command then fails well within 15 s).
  CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  SMTP_URL: urlWithProtocol(['smtp:', 'smtps:']).default('smtp://127.0.0.1:1025'),
  ALERT_FROM: z.string().min(3).default('CohortWatch <cohortwatch@localhost>'),
  REANALYSIS_CRON: z.string().min(9).default('0 0 6 1 1,4,7,10 *'),
  REANALYSIS_TZ: z.string().min(1).default('UTC'),
  SMALL_CELL_MIN: z.coerce.number().int().min(1).max(100).default(11),
  // A signal open and unacknowledged for more than this many days is re-sent (at most once per look).
  SIGNAL_REMINDER_DAYS: z.coerce.number().int().min(0).max(3650).default(14),
  // Where the dashboard serves reports (…/looks/CUTOFF/report.html); the digest links the look's report when set.
  REPORT_BASE_URL: z.preprocess((v) => (v === '' ? undefined : v), urlWithProtocol(['http:', 'https:']).optional()),
  // Alert mail (and looks) whose queue attempts ran out are retried by the scheduler's sweep, every
  // ALERT_SWEEP_MS, after a backoff doubling from ALERT_RETRY_BASE_MS up to ALERT_RETRY_MAX_MS.
  ALERT_SWEEP_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  ALERT_RETRY_BASE_MS: z.coerce.number().int().min(100).max(86_400_000).default(60_000),
  ALERT_RETRY_MAX_MS: z.coerce.number().int().min(100).max(86_400_000).default(3_600_000),
  // Operators' address: one mail when a look fails or an alert mail has been pending over a day.
  OPS_EMAIL: z.preprocess((v) => (v === '' ? undefined : v),
    z.string().refine((v) => canonicalEmailAddress(v) !== null, 'must be an e-mail address').optional()),
  // `cohortwatch serve`: the HTTP API and dashboard.
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  // Signs the session cookie; at least 32 characters, from a secret store (serve refuses to start without it).
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SESSION_TTL_MINUTES: z.coerce.number().int().min(5).max(7 * 24 * 60).default(480),
  // Largest POST /api/v1/events body; larger ones get 413 (about 5,000 events per MiB).
  API_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(1024 * 1024 * 1024).default(16 * 1024 * 1024),
  // Requests per minute per API key (429 beyond), and login attempts per minute per client address.
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  LOGIN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(10),
  // Where the scheduler writes reports (`scheduler --report-dir`): <dir>/<cutoff>/report.html|pdf are linked from /looks.
  REPORTS_DIR: z.string().min(1).optional(),
  // Behind a TLS-terminating proxy: trust its X-Forwarded-* headers (client address, https).
  TRUST_PROXY: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  // The session cookie is Secure (sent over HTTPS only); 'false' only for plain-HTTP development.
  SESSION_COOKIE_SECURE: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
});

export type Env = z.infer<typeof envSchema>;

// Its own module, so the CLI's error handling does not load zod (cli/program.ts).
export { ConfigError };

/** Parses the environment; a bad value throws a ConfigError naming the variable. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
  throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
}
