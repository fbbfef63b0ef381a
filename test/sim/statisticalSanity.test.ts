import { describe, expect, it } from 'vitest';
import { simulateEvents } from '../../src/sim/index.ts';
import type { PatientTruth, ScenarioName } from '../../src/sim/index.ts';
import { parseCutoff } from '../../src/timeline/index.ts';
import type { AnalysisRow } from '../../src/timeline/index.ts';
import { analysisDataset } from '../../src/sim/calibration/analysisDataset.ts';
import { HR_MODELS, portHazardRatio } from '../../src/sim/calibration/cohortFigures.ts';

const DAY = 86_400_000;
const daysBetween = (from: string, to: string): number => (Date.parse(to) - Date.parse(from)) / DAY;

function dataset(seed: number, patients: number, scenario: ScenarioName, cutoff: string, adminEnd?: string): { rows: AnalysisRow[]; truths: PatientTruth[] } {
  const truths: PatientTruth[] = [];
  const rows = analysisDataset(simulateEvents({ seed, patients, scenario, adminEnd }, (t) => truths.push(t)), parseCutoff(cutoff));
  return { rows, truths };
}

const group1Pfs = HR_MODELS.find((m) => m.key === 'group1/pfs');

describe('the simulated events tell the true story (through the contract and timeline path)', () => {
  it('once everything is reported, each timeline matches the patient\'s latent history', () => {
    const adminEnd = '2026-09-30';
    const { rows, truths } = dataset(31, 800, 'paper', adminEnd);
    const byId = new Map(rows.map((r) => [r.patientId, r]));
    // Events of the last year may still be unreported at the administrative end: compare the others.
    const settled = truths.filter((t) => daysBetween(t.observedUntil, adminEnd) > 400);
    expect(settled.length).toBeGreaterThan(300);
    for (const t of settled) {
      const row = byId.get(t.patientId);
      expect(row, t.patientId).toBeDefined();
      if (!row) continue;
      const dead = t.deathDate <= t.observedUntil;
      expect(row.osStatus, t.patientId).toBe(dead ? 1 : 0);
      if (dead) expect(row.osDays).toBe(daysBetween(t.ptrDate, t.deathDate));
      const dpSeen = t.dpDate !== null && t.dpDate <= t.observedUntil;
      expect(row.dpStatus, t.patientId).toBe(dpSeen ? 1 : dead ? 2 : 0);
      if (dpSeen && t.dpDate) expect(row.dpDays).toBe(daysBetween(t.ptrDate, t.dpDate));
      const lrrSeen = t.lrrDate !== null && t.lrrDate <= t.observedUntil;
      expect(row.lrrStatus, t.patientId).toBe(lrrSeen ? 1 : dead ? 2 : 0);
      expect(row.port).toBe(t.port);
      expect(row.group === 'unclassified' || row.group === t.subgroup).toBe(true);
    }
  });
});

describe('loose statistical sanity at n = 5000 (fitCox on the simulated dataset)', () => {
  it('paper: the fitted group-1 PFS PORT HR is near the calibrated 0.57; null: near 1', () => {
    if (!group1Pfs) throw new Error('group1/pfs model missing');
    // The registry ends at the data cut: the same dataset as a longer registry read as of that cut.
    const paper = portHazardRatio(dataset(41, 5000, 'paper', '2017-03-31', '2017-03-31').rows, group1Pfs);
    expect(paper).toBeGreaterThan(0.45);
    expect(paper).toBeLessThan(0.7);
    const none = portHazardRatio(dataset(41, 5000, 'null', '2017-03-31', '2017-03-31').rows, group1Pfs);
    expect(none).toBeGreaterThan(0.85);
    expect(none).toBeLessThan(1.18);
  });
});
