// The server's settings, taken from the validated environment (src/config/env.ts) once at start-up.
import type { Env } from '../config/env.ts';
import { ConfigError } from '../config/env.ts';

export interface ServerConfig {
  sessionSecret: string;
  sessionTtlMs: number;
  /** Secure session cookie (HTTPS, or a proxy with TRUST_PROXY); false only for plain-HTTP development. */
  cookieSecure: boolean;
  bodyLimitBytes: number;
  apiRatePerMinute: number;
  loginRatePerMinute: number;
  reportsDir: string | undefined;
  trustProxy: boolean;
  smallCellMin: number;
  /** Redis key namespace of the rate limiter (shared by every serve process of a deployment). */
  rateLimitNamespace: string;
  /** How long POST /events waits for the queue before answering 503. */
  enqueueTimeoutMs: number;
}

export function serverConfig(env: Env, overrides: Partial<ServerConfig> = {}): ServerConfig {
  if (env.SESSION_SECRET === undefined && overrides.sessionSecret === undefined) {
    throw new ConfigError('SESSION_SECRET is not set: serve needs a secret of at least 32 characters to sign session cookies (e.g. `openssl rand -base64 48`)');
  }
  return {
    sessionSecret: env.SESSION_SECRET ?? '',
    sessionTtlMs: env.SESSION_TTL_MINUTES * 60_000,
    cookieSecure: env.SESSION_COOKIE_SECURE,
    bodyLimitBytes: env.API_BODY_LIMIT_BYTES,
    apiRatePerMinute: env.API_RATE_LIMIT_PER_MINUTE,
    loginRatePerMinute: env.LOGIN_RATE_LIMIT_PER_MINUTE,
    reportsDir: env.REPORTS_DIR,
    trustProxy: env.TRUST_PROXY,
    smallCellMin: env.SMALL_CELL_MIN,
    rateLimitNamespace: `${env.QUEUE_PREFIX}:rate-limit:`,
    enqueueTimeoutMs: 10_000,
    ...overrides,
  };
}
