// A seeded synthetic analysis dataset (AnalysisRow-shaped PlanRows) for the reanalysis tests and bench:
// a fixed cohort with latent event times, read as of any cutoff (administrative censoring at the cutoff),
// so successive cutoffs are nested looks at one maturing registry.
import { mulberry32 } from '../support/mulberry32.ts';
import type { PlanRow } from '../../src/analysis/planRow.ts';


export interface CohortOptions {
  readonly patients: number;
  readonly seed: number;
  /** True PORT log-HR by group (applies to every endpoint); default 0 (null). */
  readonly portLogHr?: Partial<Record<'group1' | 'group2' | 'group3' | 'unclassified', number>>;
  /** Accrual window start as a day number (days since 2000-01-01) and its length in days. */
  readonly accrualStartDay?: number;
  readonly accrualDays?: number;
}

interface Latent {
  readonly base: Omit<PlanRow, 'osDays' | 'osStatus' | 'pfsDays' | 'pfsStatus' | 'lrrDays' | 'lrrStatus' | 'dpDays' | 'dpStatus'>;
  readonly patientId: string;
  readonly entry: number;
  readonly death: number;
  readonly lrr: number;
  readonly dp: number;
  readonly loss: number;
}

export interface SyntheticCohort {
  /** The analysis dataset as of a cutoff given in days since 2000-01-01 (patients accrued by then). */
  rowsAt(cutoffDay: number): (PlanRow & { patientId: string })[];
}

export const dayOf = (iso: string) => Math.round((Date.parse(`${iso}T00:00:00Z`) - Date.parse('2000-01-01T00:00:00Z')) / 86_400_000);

export function syntheticCohort(options: CohortOptions): SyntheticCohort {
  const rnd = mulberry32(options.seed);
  const exp = (rate: number) => -Math.log(1 - rnd()) / rate;
  const start = options.accrualStartDay ?? dayOf('2010-01-01');
  const span = options.accrualDays ?? 365 * 10;
  const latent: Latent[] = [];
  for (let i = 0; i < options.patients; i++) {
    const t34 = rnd() < 0.45;
    const tnbc = rnd() < 0.12;
    const unknown = rnd() < 0.03;
    const group = unknown ? 'unclassified' : tnbc ? 'group3' : t34 ? 'group2' : 'group1';
    const n23 = rnd() < 0.4;
    const over5 = rnd() < 0.35;
    const boneOnly = rnd() < 0.3;
    const port = rnd() < 0.6;
    const lp = 0.4 * (t34 ? 1 : 0) + 0.5 * (tnbc ? 1 : 0) + 0.4 * (over5 ? 1 : 0) + 0.2 * (n23 ? 1 : 0) - 0.2 * (boneOnly ? 1 : 0)
      + (port ? options.portLogHr?.[group] ?? 0 : 0);
    const hr = Math.exp(lp);
    const chemo = ['preop', 'postop', 'both', 'none'][Math.floor(rnd() * 4)];
    latent.push({
      patientId: `P${String(i).padStart(7, '0')}`,
      entry: start + Math.floor(rnd() * span),
      death: exp(0.00018 * hr), lrr: exp(0.00008 * hr), dp: exp(0.0005 * hr), loss: exp(0.00005),
      base: {
        tCategory: unknown ? null : t34 ? 'T3' : 'T2', nCategory: n23 ? 'N2' : 'N1', metastasisCount: over5 ? 7 : 2,
        metastaticBurden: over5 && rnd() < 0.8 ? 'disseminated' : 'oligo', boneOnly, ptrType: rnd() < 0.7 ? 'mastectomy' : 'bcs',
        axillarySurgery: rnd() < 0.6 ? 'alnd' : 'slnb', chemotherapy: chemo, hormonalTherapy: !tnbc && rnd() < 0.8,
        antiHer2: rnd() < 0.25, allMetastasesTreated: rnd() < 0.3, tnbc: unknown ? null : tnbc, group, port,
      },
    });
  }
  return {
    rowsAt(cutoffDay) {
      const rows: (PlanRow & { patientId: string })[] = [];
      for (const p of latent) {
        if (p.entry > cutoffDay) continue;
        const admin = cutoffDay - p.entry;
        const censor = Math.min(admin, p.loss);
        const end = (t: number) => Math.floor(Math.min(t, censor));
        const os = p.death <= censor;
        const pfsT = Math.min(p.death, p.lrr, p.dp);
        const cause = (t: number) => (t <= censor && t <= p.death ? 1 : p.death <= censor && p.death < t ? 2 : 0);
        const lrrStatus = cause(p.lrr);
        const dpStatus = cause(p.dp);
        rows.push({
          ...p.base, patientId: p.patientId,
          osDays: end(p.death), osStatus: os ? 1 : 0,
          pfsDays: end(pfsT), pfsStatus: pfsT <= censor ? 1 : 0,
          lrrDays: lrrStatus === 2 ? Math.floor(p.death) : end(p.lrr), lrrStatus,
          dpDays: dpStatus === 2 ? Math.floor(p.death) : end(p.dp), dpStatus,
        });
      }
      return rows;
    },
  };
}
