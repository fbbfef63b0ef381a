import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulateEvents } from '../../src/sim/index.ts';

const run = promisify(execFile);
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cw-sim-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('cohortwatch simulate', () => {
  it('writes the stream as NDJSON and the truth as JSON, the same as the library', async () => {
    const out = join(dir, 'events.ndjson');
    const truthPath = join(dir, 'truth.json');
    const { stderr } = await run('node', ['bin/cohortwatch.js', 'simulate', '--seed', '4', '--patients', '40', '--scenario', 'null', '--out', out, '--truth', truthPath]);
    const expected = [...simulateEvents({ seed: 4, patients: 40, scenario: 'null' })].map((e) => `${JSON.stringify(e)}\n`).join('');
    expect(await readFile(out, 'utf8')).toBe(expected);
    const truth = JSON.parse(await readFile(truthPath, 'utf8')) as { scenario: { name: string }; patients: { patientId: string }[] };
    expect(truth.scenario.name).toBe('null');
    expect(truth.patients.map((p) => p.patientId)).toEqual(Array.from({ length: 40 }, (_, i) => `P${String(i + 1).padStart(7, '0')}`));
    expect(stderr).toContain(`simulated 40 patients, ${expected.split('\n').length - 1} events`);
  });

  it('exits 2 with a one-line reason on a bad argument, writing nothing', async () => {
    const out = join(dir, 'never.ndjson');
    const failure = await run('node', ['bin/cohortwatch.js', 'simulate', '--seed', '1', '--patients', '0', '--out', out]).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toContain('cohortwatch simulate: patients 0 must be an integer 1..1000000');
    await expect(readFile(out)).rejects.toThrow();
  });
});
