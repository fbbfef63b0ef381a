// Structured JSON logs (pino). Services log to stdout; commands whose stdout is their result (ingest,
// export) log to stderr so a pipe receives only the result.
import { pino } from 'pino';
import type { Logger } from 'pino';
import type { Env } from '../config/env.ts';

export type { Logger };

// Lines leave in writes of up to 4 KB instead of one write per line: a worker logs a line per job, and
// a write each was ~2.5% of its CPU at 2,000 jobs/s (issue 12). A timer sends what waits, so a line
// reaches the stream within FLUSH_MS however little the process logs; pino flushes the rest on exit.
const BUFFER_BYTES = 4096;
const FLUSH_MS = 200;

export function createLogger(env: Pick<Env, 'LOG_LEVEL'>, name: string, stream: 'stdout' | 'stderr' = 'stdout'): Logger {
  const destination = pino.destination({ fd: stream === 'stdout' ? 1 : 2, sync: false, minLength: BUFFER_BYTES });
  const timer = setInterval(() => {
    try {
      destination.flush();
    } catch {
      clearInterval(timer); // the stream was closed (flush throws once it is destroyed)
    }
  }, FLUSH_MS);
  timer.unref();
  return pino({ name, level: env.LOG_LEVEL, base: { pid: process.pid } }, destination);
}
