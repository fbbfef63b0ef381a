// The dashboard prints events per arm that were not stored as "not computed", never as 0 and never
// silently left out; stored counts print split by arm (small cells suppressed as everywhere).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from './support/serverHarness.ts';
import type { Harness } from './support/serverHarness.ts';

let h: Harness;
let investigator: string;

beforeAll(async () => {
  h = await startHarness('serve_arm_events');
  await h.addUser('inv@example.org', 'investigator');
  investigator = await h.login('inv@example.org');
});

afterAll(async () => {
  await h?.close();
});

async function storeRun(): Promise<number> {
  const run = await h.db.insertInto('analysis_runs').values({
    cutoff: '2020-12-31', plan_version: 'arm-events', code_version: 'test', status: 'completed', look: 1, plan: JSON.stringify({}), finished_at: new Date(),
  }).returning('id').executeTakeFirstOrThrow();
  return run.id;
}

async function storeEstimate(runId: number, population: string, eventsPort: number | null, eventsPtr: number | null): Promise<void> {
  await h.db.insertInto('analysis_estimates').values({
    run_id: runId, population, endpoint: 'os', model: 'monitoring', term: 'port', is_primary: true, n: 200, events: 64, events_port: eventsPort, events_no_port: eventsPtr,
    coef: -0.3, se: 0.25, hr: 0.74, lower: 0.45, upper: 1.21, z: -1.2, p: 0.23, details: JSON.stringify({}),
  }).execute();
}

describe('events per arm on the estimand page', () => {
  it('says "not computed" for counts that were not stored, and prints stored ones by arm', async () => {
    const runId = await storeRun();
    await storeEstimate(runId, 'group1', null, null);
    await storeEstimate(runId, 'group2', 25, 39);
    const missing = (await h.get('/estimands/group1/os', investigator)).body;
    expect(missing).toContain('64 (events per arm not computed)');
    expect(missing).not.toMatch(/PORT 0\b|PTR 0\b/);
    const stored = (await h.get('/estimands/group2/os', investigator)).body;
    expect(stored).toContain('64 (PTR 39 / PORT 25)');
  });
});
