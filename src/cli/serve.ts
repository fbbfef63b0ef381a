import { existsSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import type { RegisterCommand } from './commands.ts';
import { loadEnv } from '../config/env.ts';
import { createLogger } from '../logging/logger.ts';

const portArgument = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number from 0 to 65535');
  return n;
};

/** `cohortwatch serve [--port N]`: the HTTP API (/api/v1) and the investigators' dashboard, until SIGTERM/SIGINT. */
export const registerServe: RegisterCommand = (program) => {
  program
    .command('serve')
    .description('serve the HTTP API (/api/v1: events in, looks out) and the dashboard (needs SESSION_SECRET)')
    .option('--port <n>', 'port to listen on (default HTTP_PORT, 8080)', portArgument)
    .option('--host <address>', 'address to listen on (default HTTP_HOST, 127.0.0.1; 0.0.0.0 in a container)')
    .option('--reports-dir <dir>', 'folder the scheduler writes reports to (default REPORTS_DIR); linked from /looks')
    .action(async (options: { port?: number; host?: string; reportsDir?: string }) => {
      // Fastify and its plugins load only when serving, not for every `cohortwatch --help`.
      const [{ serverConfig }, { ServeStartError, startServer }] = await Promise.all([import('../server/serverConfig.ts'), import('../server/startServer.ts')]);
      const env = loadEnv();
      const config = serverConfig(env, options.reportsDir === undefined ? {} : { reportsDir: options.reportsDir });
      const logger = createLogger(env, 'serve');
      let server;
      try {
        server = await startServer({ env, config, logger, port: options.port ?? env.HTTP_PORT, host: options.host ?? env.HTTP_HOST });
      } catch (error) {
        if (error instanceof ServeStartError) {
          console.error(`cohortwatch: ${error.message}`);
          process.exitCode = 1;
          return;
        }
        throw error;
      }
      logger.info({ url: server.url }, 'serving');
      // A mistyped folder would otherwise show every look without its reports, silently.
      if (config.reportsDir !== undefined && !existsSync(config.reportsDir)) {
        console.error(`cohortwatch serve: the reports folder ${config.reportsDir} does not exist (yet): /looks offers downloads once the scheduler writes reports there`);
      }
      console.error(`cohortwatch serve: listening on ${server.url} (API ${server.url}/api/v1, dashboard ${server.url}/)`);
      await new Promise<void>((resolve) => {
        const onSignal = (signal: NodeJS.Signals) => {
          logger.info({ signal }, 'signal received');
          void server.stop().finally(resolve);
        };
        process.once('SIGTERM', onSignal);
        process.once('SIGINT', onSignal);
      });
      logger.flush();
    });
};
