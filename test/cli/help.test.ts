import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('cohortwatch binary', () => {
  it('prints its help from a clone with no build step', async () => {
    const { stdout } = await run('node', ['bin/cohortwatch.js', '--help']);
    expect(stdout).toContain('Usage: cohortwatch');
  });

  it('exits 2 with a one-line message on an unknown command', async () => {
    const failure = await run('node', ['bin/cohortwatch.js', 'no-such-command']).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 2 });
  });
});
