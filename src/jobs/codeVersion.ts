import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** Package version plus the git commit when the code runs from a checkout (stored with every run). */
export function codeVersion(): string {
  if (cached !== undefined) return cached;
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  let commit = process.env.COHORTWATCH_COMMIT ?? '';
  if (commit === '') {
    try {
      commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: new URL('../..', import.meta.url), stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    } catch {
      commit = '';
    }
  }
  cached = commit === '' ? (pkg.version ?? '0.0.0') : `${pkg.version ?? '0.0.0'}+${commit}`;
  return cached;
}
