import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import shipped from '../../src/analysis/data/default-plan.json' with { type: 'json' };
import { DEFAULT_PLAN, planFromDocument } from '../../src/analysis/plan.ts';
import { parsePlanDocument, parsePlanText, planHash } from '../../src/analysis/planDocument.ts';
import { maxEvents, schoenfeldEvents } from '../../src/analysis/monitoring/index.ts';
import type { PlanRow } from '../../src/analysis/planRow.ts';

const run = promisify(execFile);
const BIN = new URL('../../bin/cohortwatch.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'cw-plan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { ...process.env, LOG_LEVEL: 'silent' }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const clone = () => JSON.parse(JSON.stringify(shipped)) as Record<string, unknown> & { primary: Record<string, unknown>[]; populations: Record<string, unknown>[] };

describe('the plan document', () => {
  it('the shipped plan validates and reproduces the populations, endpoints, monitoring covariates and primary estimands', () => {
    expect(parsePlanDocument(shipped).ok).toBe(true);
    expect(DEFAULT_PLAN.populations.map((p) => [p.id, p.monitoringCovariates])).toEqual([
      ['all', ['t3or4', 'n2or3', 'tnbc', 'metastasesOver5', 'notBoneOnly']],
      ['group1', ['n2or3', 'metastasesOver5', 'notBoneOnly']],
      ['group2', ['n2or3', 'metastasesOver5', 'notBoneOnly']],
      ['group3', ['t3or4', 'n2or3', 'metastasesOver5', 'notBoneOnly']],
    ]);
    expect(DEFAULT_PLAN.primary.map((p) => `${p.population}/${p.endpoint}`)).toEqual(['group1/os', 'group1/pfs', 'group2/os', 'group2/pfs', 'group3/os', 'group3/pfs']);
    expect(DEFAULT_PLAN.primary.every((p) => Math.abs(p.alpha - 0.05 / 6) < 1e-15)).toBe(true);
    const row = (group: string) => ({ group }) as PlanRow;
    expect(DEFAULT_PLAN.populations.map((p) => p.includes(row('group2')))).toEqual([true, false, true, false]);
  });

  it('derives the maximum events from the design, not from the registry size (Schoenfeld x OBF inflation)', () => {
    const design = DEFAULT_PLAN.primary[0].design;
    // Schoenfeld: (z_{1-a/2} + z_{0.8})^2 / (p (1-p) ln(0.7)^2), a = 0.05/6, p = 0.5.
    const fixed = schoenfeldEvents({ alpha: 0.05 / 6, power: 0.8, targetHr: 0.7, allocation: 0.5 });
    expect(fixed).toBeCloseTo(((2.638257 + 0.8416212) ** 2) / (0.25 * Math.log(0.7) ** 2), 3);
    expect(maxEvents(design, 0.05 / 6, 0.5)).toBe(Math.ceil(fixed * 1.02119009328983));
    expect(maxEvents(design, 0.05 / 6, null)).toBeNull();
  });

  it('hashes the canonical document: key order does not matter, content does', () => {
    const reordered = Object.fromEntries(Object.entries(clone()).reverse());
    const a = parsePlanDocument(shipped);
    const b = parsePlanDocument(reordered);
    if (!a.ok || !b.ok) throw new Error('shipped plan invalid');
    expect(planHash(b.document)).toBe(planHash(a.document));
    const changed = clone();
    changed.title = 'another title';
    const c = parsePlanDocument(changed);
    if (!c.ok) throw new Error('changed plan invalid');
    expect(planHash(c.document)).not.toBe(planHash(a.document));
  });

  it('a changed estimand definition is a new spending family; a changed design is not', () => {
    const doc = clone();
    (doc.primary[1].design as Record<string, unknown>).targetHr = 0.6;
    (doc.populations[2]).monitoringCovariates = ['metastasesOver5'];
    const parsed = parsePlanDocument(doc);
    if (!parsed.ok) throw new Error(parsed.problems.join('; '));
    const amended = planFromDocument(parsed.document);
    const family = (plan: typeof DEFAULT_PLAN, key: string) => plan.primary.find((p) => `${p.population}/${p.endpoint}` === key)?.family;
    expect(family(amended, 'group1/pfs')).toBe(family(DEFAULT_PLAN, 'group1/pfs'));
    expect(family(amended, 'group2/os')).not.toBe(family(DEFAULT_PLAN, 'group2/os'));
  });

  it('reports every problem of an invalid plan, one line each, with its path', () => {
    const doc = clone();
    doc.totalAlpha = 0.01;
    doc.primary[0].population = 'group7';
    (doc.primary[2].design as Record<string, unknown>).power = 1.2;
    doc.populations.push({ ...doc.populations[0] });
    doc.unknownField = true;
    const parsed = parsePlanDocument(doc);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems.some((p) => p.startsWith('primary.0.population:'))).toBe(true);
    expect(parsed.problems.some((p) => p.startsWith('primary.2.design.power:'))).toBe(true);
    expect(parsed.problems.some((p) => /unrecognized key.*unknownField/i.test(p))).toBe(true);
    expect(parsePlanText('{ not json').ok).toBe(false);
  });

  it('semantic problems too: alpha shares above the total, duplicates, a calendar rule without a horizon', () => {
    const doc = clone();
    doc.totalAlpha = 0.01;
    doc.populations.push({ ...doc.populations[0] });
    (doc.primary[3].design as Record<string, unknown>).maxInformation = { rule: 'calendar' };
    (doc.primary[3].design as Record<string, unknown>).horizon = null;
    const parsed = parsePlanDocument(doc);
    if (parsed.ok) throw new Error('accepted an invalid plan');
    expect(parsed.problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^primary: .*add up to 0\.0500.*more than totalAlpha 0\.01/),
      expect.stringMatching(/^populations\.4: duplicate population "all"/),
      expect.stringMatching(/^primary\.3\.design\.horizon: the calendar rule needs a horizon/),
    ]));
  });

  it('cohortwatch plan validate: exit 0 for the shipped plan, exit 2 with one line per problem otherwise', async () => {
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(shipped));
    const ok = await cli('plan', 'validate', good);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('valid plan cw-plan-2');
    const doc = clone();
    (doc.primary[0].design as Record<string, unknown>).targetHr = 1;
    doc.primary[1].alpha = -1;
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(doc));
    const refused = await cli('plan', 'validate', bad);
    expect(refused.code).toBe(2);
    const lines = refused.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => l.startsWith(`${bad}: primary.`))).toBe(true);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    const missing = await cli('plan', 'validate', join(dir, 'nope.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('cohortwatch plan show --shipped --json prints the shipped document', async () => {
    const shown = await cli('plan', 'show', '--shipped', '--json');
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toEqual(shipped);
  });
});
