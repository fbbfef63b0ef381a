// Structured JSON logs (pino). Services log to stdout; commands whose stdout is their result (ingest,
// export) log to stderr so a pipe receives only the result.
import { pino } from 'pino';
import type { Logger } from 'pino';
import type { Env } from '../config/env.ts';

export type { Logger };

export function createLogger(env: Pick<Env, 'LOG_LEVEL'>, name: string, stream: 'stdout' | 'stderr' = 'stdout'): Logger {
  return pino({ name, level: env.LOG_LEVEL, base: { pid: process.pid } }, pino.destination({ fd: stream === 'stdout' ? 1 : 2, sync: false }));
}
