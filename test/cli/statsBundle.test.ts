import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_CONFIG } from '../../bin/cliBundle.js';

// `stats` runs from a bundle of its sources cached in node_modules/.cache/cohortwatch (bin/cliBundle.js).
// On a copy of the checkout: the bundle prints what tsx prints, and an edited source is rebuilt before
// it runs (never a stale bundle).
const run = promisify(execFile);
const here = resolve(import.meta.dirname, '../..');
const lung = join(here, 'test/fixtures/reference/data/lung.csv');
let root = '';
let cacheFiles: string[] = [];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'stats-bundle-'));
  for (const part of ['bin', 'src', 'package.json', 'tsconfig.json']) cpSync(join(here, part), join(root, part), { recursive: true });
  symlinkSync(realpathSync(join(here, 'node_modules')), join(root, 'node_modules'));
  // bin/cliBundle.js's key: the checkout's root and its BUILD_CONFIG.
  const key = createHash('sha256').update(root).update(`\0${BUILD_CONFIG}`).digest('hex').slice(0, 16);
  const cache = join(realpathSync(join(here, 'node_modules')), '.cache', 'cohortwatch');
  cacheFiles = [join(cache, `stats-${key}.mjs`), join(cache, `stats-${key}.json`)];
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  for (const file of cacheFiles) rmSync(file, { force: true });
});

async function km(env: NodeJS.ProcessEnv = {}): Promise<string> {
  const { stdout } = await run(process.execPath, [join(root, 'bin/cohortwatch.js'), 'stats', 'km', '--csv', lung, '--time', 'time', '--event', 'status', '--event-value', '2'], { env: { ...process.env, ...env } });
  return stdout;
}

describe('stats from the cached bundle', () => {
  it('prints what the tsx path prints, and rebuilds after a source changes', async () => {
    const viaTsx = await km({ COHORTWATCH_NO_BUNDLE: '1' });
    expect(await km()).toBe(viaTsx);
    const [bundle, manifest] = cacheFiles;
    expect(statSync(bundle).isFile()).toBe(true);
    const edited = join(root, 'src/cli/statsCli.ts');
    const stamp = (): unknown => (JSON.parse(readFileSync(manifest, 'utf8')) as { inputs: Record<string, unknown> }).inputs[edited];
    const before = stamp();
    appendFileSync(edited, '\n// edited\n');
    expect(await km()).toBe(viaTsx);
    const after = stamp();
    expect(after).toEqual([statSync(edited).size, statSync(edited).mtimeMs]);
    expect(after).not.toEqual(before);
  });
});
