import { execFile } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSurvivalCsv } from '../support/survivalCsv.ts';

// The CLI on a million rows (issue 12: "Maximum call stack size exceeded" in km at 200,000 rows), and
// the one-line refusals of bad statistical input and bad usage through the real binary.
const execFileAsync = promisify(execFile);
const ROWS = 1_000_000;
// Generous: on a loaded shared machine the million-row run waits for a core far longer than it computes.
const SPAWN_TIMEOUT = { timeout: 600_000 };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cohortwatch(args: string[], stdoutFile?: string): Promise<Run> {
  const command = stdoutFile === undefined ? args : ['-c', 'exec "$0" bin/cohortwatch.js "$@" > "$OUT"', process.execPath, ...args];
  try {
    const { stdout, stderr } = stdoutFile === undefined
      ? await execFileAsync(process.execPath, ['bin/cohortwatch.js', ...command])
      : await execFileAsync('sh', command, { env: { ...process.env, OUT: stdoutFile } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failure.code ?? -1, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  }
}

/** `bytes` bytes of a file from its start (`fromEnd` false) or its end. */
function slice(path: string, bytes: number, fromEnd: boolean): string {
  const size = statSync(path).size;
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(Math.min(bytes, size));
    readSync(fd, buffer, 0, buffer.length, fromEnd ? size - buffer.length : 0);
    return buffer.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'stats-large-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cohortwatch stats on a million rows', SPAWN_TIMEOUT, () => {
  it('km without --group: one curve over ~a million distinct times, no stack overflow', async () => {
    const csv = join(dir, 'million.csv');
    // Six decimals: nearly every time is distinct, so the curve has about a million steps.
    writeSurvivalCsv(csv, ROWS, { timeDigits: 6 });
    const out = join(dir, 'km.json');
    const run = await cohortwatch(['stats', 'km', '--csv', csv, '--time', 'time', '--event', 'status'], out);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // The table has a row per distinct time (~150 MB of JSON): check the head and the summaries at the end.
    const head = slice(out, 200, false);
    expect(head).toMatch(/^\{"confType":"log","rowsUsed":1000000,"rowsDropped":0,"curves":\[\{"group":null,"n":1000000,/);
    const end = slice(out, 600, true);
    const median = /"median":\{"value":([0-9.]+),"lower":([0-9.]+),"upper":([0-9.]+)\}/.exec(end);
    expect(median).not.toBeNull();
    const [value, lower, upper] = (median ?? []).slice(1).map(Number);
    expect(lower).toBeLessThan(value);
    expect(value).toBeLessThan(upper);
    expect(end.trimEnd().endsWith('"at":[]}]}')).toBe(true);
  });
});

describe.concurrent('cohortwatch: bad input and usage, one line on stderr', SPAWN_TIMEOUT, () => {
  it('refuses a negative time with exit 2 naming the row', async () => {
    const csv = join(dir, 'negative.csv');
    writeFileSync(csv, 'time,status\n3,1\n-2,0\n5,1\n');
    const run = await cohortwatch(['stats', 'km', '--csv', csv, '--time', 'time', '--event', 'status']);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/column "time" has the negative time -2 in data row 2/);
  });

  it('prints one line and a pointer to --help for an unknown option of any command', async () => {
    const run = await cohortwatch(['worker', '--no-such-option']);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/unknown option '--no-such-option' \(see --help\)/);
  });

  it('prints its version', async () => {
    const run = await cohortwatch(['--version']);
    expect(run.code).toBe(0);
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(run.stdout.trim()).toBe(version);
  });
});
