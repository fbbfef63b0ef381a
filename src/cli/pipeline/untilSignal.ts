// The life of a long-running command (worker, scheduler): run until SIGTERM or SIGINT, then stop
// within SHUTDOWN_TIMEOUT_MS plus a second whatever the state of PostgreSQL and Redis. A second signal
// during the stop exits at once.
import type { Logger } from '../../logging/logger.ts';

// The stop is bounded at SHUTDOWN_TIMEOUT_MS plus about half a second (src/workers/queue.ts); this is
// the last resort if something still holds the process after that.
const BACKSTOP_MS = 900;

export function untilSignal(logger: Logger, shutdownTimeoutMs: number, stop: () => Promise<void>): Promise<void> {
  return new Promise<void>((resolve) => {
    let stopping = false;
    let stopped = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        logger.warn({ signal }, 'second signal: exiting now');
        logger.flush();
        process.exit(130);
      }
      stopping = true;
      logger.info({ signal, timeoutMs: shutdownTimeoutMs }, 'signal received, stopping');
      setTimeout(() => {
        if (!stopped) logger.error({ timeoutMs: shutdownTimeoutMs }, 'stop did not finish in time; exiting');
        logger.flush();
        process.exit(stopped ? process.exitCode ?? 0 : 1);
      }, shutdownTimeoutMs + BACKSTOP_MS).unref();
      void stop().catch((error: unknown) => {
        logger.error({ err: error instanceof Error ? error.message : String(error) }, 'error while stopping');
        process.exitCode = 1;
      }).finally(() => {
        stopped = true;
        resolve();
      });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

/** The promise, or nothing after ms: closing a pool or a client must not hold a stopping process. */
export async function boundedWait(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise.catch(() => undefined), new Promise((resolve) => { timer = setTimeout(resolve, ms); })]);
  clearTimeout(timer);
}
