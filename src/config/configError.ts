/** A bad environment or configuration value: one line naming it, exit code 2 (cli/program.ts). */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
