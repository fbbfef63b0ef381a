// A realistic ReportInput fabricated from a seeded, simulated cohort: curves and counts come from
// fake patients (with id-like ids, so tests can check none leaks), model estimates are drawn around
// the published ones. Deterministic for a given seed.
import { mulberry32 } from '../support/mulberry32.ts';
import type {
  Arm,
  ArmCurve,
  BaselineRow,
  BaselineTable,
  ByArm,
  CurvePoint,
  Endpoint,
  ForestRow,
  HazardEstimate,
  IncidenceCurves,
  LandmarkEstimate,
  ModelRow,
  ModelTable,
  ModelTerm,
  Population,
  ReportInput,
  RiskTable,
  SensitivityRow,
  SurvivalCurves,
  ZPath,
} from '../../src/reports/reportInput.ts';

export interface FixtureOptions {
  readonly seed?: number;
  readonly patients?: number;
  readonly look?: number;
  /** Put hostile strings (markup, formula injection, id-like tokens) in every free-text field. */
  readonly hostile?: boolean;
  readonly smallCellMin?: number;
}

export const HOSTILE_TITLE = `<script>alert("pwned")</script> Quarterly report ' " & <b>bold</b> for CW-03-00042`;
export const HOSTILE_CENTRE = `<img src=x onerror=alert(1)>`;
export const FORMULA_CENTRE = `=HYPERLINK("http://x")`;


interface FakePatient {
  readonly id: string;
  readonly centre: string;
  readonly arm: Arm;
  readonly group: 'group1' | 'group2' | 'group3' | null;
  readonly t34: boolean;
  readonly n23: boolean;
  readonly tnbc: boolean | null;
  readonly gt5: boolean;
  readonly age: number | null;
  /** Months: [time, status] with status 0 censored, 1 event, 2 competing death. */
  readonly os: readonly [number, number];
  readonly pfs: readonly [number, number];
  readonly lrr: readonly [number, number];
  readonly dp: readonly [number, number];
}

const CENTRES = ['SNU', 'YSH', 'AMC', 'SMC', 'KUH', 'CNU', 'PNU', 'KNU'];

function exp(u: () => number, rate: number): number {
  return -Math.log(1 - u()) / rate;
}

function simulate(u: () => number, n: number): FakePatient[] {
  const patients: FakePatient[] = [];
  for (let i = 0; i < n; i += 1) {
    const centreIndex = Math.min(CENTRES.length - 1, Math.floor(u() ** 1.6 * CENTRES.length));
    const arm: Arm = u() < 250 / 426 ? 'port' : 'ptr';
    const t34 = u() < 0.45;
    const tnbc = u() < 0.03 ? null : u() < 0.12;
    const group = tnbc === null ? null : tnbc ? 'group3' : t34 ? 'group2' : 'group1';
    const gt5 = u() < 0.35;
    const risk = (t34 ? 1.5 : 1) * (tnbc === true ? 2.2 : 1) * (gt5 ? 1.6 : 1);
    const portEffect = arm === 'port' ? 0.64 : 1;
    const censor = 3 + u() * 150;
    const death = exp(u, (0.0045 * risk) / Math.sqrt(portEffect));
    const lrr = exp(u, 0.003 * risk * 0.45 ** (arm === 'port' ? 1 : 0));
    const dp = exp(u, 0.016 * risk * portEffect);
    const os: [number, number] = death <= censor ? [death, 1] : [censor, 0];
    const pfsTime = Math.min(lrr, dp, death);
    const pfs: [number, number] = pfsTime <= censor ? [pfsTime, 1] : [censor, 0];
    const cr = (t: number): [number, number] => (t <= Math.min(death, censor) ? [t, 1] : death <= censor ? [death, 2] : [censor, 0]);
    patients.push({
      id: `CW-${String(centreIndex + 1).padStart(2, '0')}-${String(10000 + i).padStart(5, '0')}`,
      centre: CENTRES[centreIndex],
      arm,
      group,
      t34,
      n23: u() < 0.4,
      tnbc,
      gt5,
      age: u() < 0.02 ? null : Math.round(35 + u() * 40),
      os,
      pfs,
      lrr: cr(lrr),
      dp: cr(dp),
    });
  }
  return patients;
}

const Z975 = 1.959963984540054;

/** The end of the quarter `quartersBack` quarters before 2026-09-30 (the fixture's cutoff). */
function quarterEnd(quartersBack: number): string {
  const ends = ['03-31', '06-30', '09-30', '12-31'];
  const index = 2026 * 4 + 2 - quartersBack;
  return `${Math.floor(index / 4)}-${ends[index % 4]}`;
}

/** Kaplan-Meier (status 1 = event) with log-log CI (Kalbfleisch & Prentice), or Aalen-Johansen for cause 1. */
function curve(times: readonly (readonly [number, number])[], incidence: boolean): CurvePoint[] {
  const sorted = [...times].sort((a, b) => a[0] - b[0]);
  const points: CurvePoint[] = [{ time: 0, estimate: incidence ? 0 : 1, lower: incidence ? 0 : 1, upper: incidence ? 0 : 1, nRisk: sorted.length }];
  let atRisk = sorted.length;
  let s = 1;
  let cif = 0;
  let greenwood = 0;
  for (let i = 0; i < sorted.length; ) {
    const t = sorted[i][0];
    let d1 = 0;
    let d2 = 0;
    let leaving = 0;
    while (i < sorted.length && sorted[i][0] === t) {
      if (sorted[i][1] === 1) d1 += 1;
      if (sorted[i][1] === 2) d2 += 1;
      leaving += 1;
      i += 1;
    }
    if (d1 > 0 || (incidence && d2 > 0)) {
      if (incidence) cif += (s * d1) / atRisk;
      const dAll = incidence ? d1 + d2 : d1;
      s *= 1 - dAll / atRisk;
      if (atRisk > dAll) greenwood += dAll / (atRisk * (atRisk - dAll));
      if (d1 > 0) {
        if (incidence) {
          // A plain binomial-style interval: fine for a fabricated fixture, not a method to copy.
          const half = Z975 * Math.sqrt((cif * (1 - cif)) / atRisk + 1e-12);
          points.push({ time: t, estimate: cif, lower: Math.max(0, cif - half), upper: Math.min(1, cif + half), nRisk: atRisk });
        } else {
          const se = Math.sqrt(greenwood) / Math.max(1e-9, Math.abs(Math.log(s)));
          const bound = (z: number) => s ** Math.exp(z * se);
          points.push({ time: t, estimate: s, lower: Math.max(0, bound(Z975)), upper: Math.min(1, bound(-Z975)), nRisk: atRisk });
        }
      }
    }
    atRisk -= leaving;
  }
  return points;
}

function atTime(points: readonly CurvePoint[], t: number): CurvePoint {
  let last = points[0];
  for (const p of points) if (p.time <= t) last = p;
  return last;
}

function armCurves(ps: readonly FakePatient[], endpoint: Endpoint, incidence: boolean): { arms: ArmCurve[]; riskTable: RiskTable; landmarks: LandmarkEstimate[] } {
  const times = [0, 12, 24, 36, 48, 60, 72, 84, 96, 108, 120];
  const byArm = (arm: Arm) => ps.filter((p) => p.arm === arm);
  const arms = (['ptr', 'port'] as const).map((arm) => {
    const data = byArm(arm).map((p) => p[endpoint]);
    return { arm, n: data.length, events: data.filter((d) => d[1] === 1).length, points: curve(data, incidence) };
  });
  const atRisk = (arm: Arm) => times.map((t) => byArm(arm).filter((p) => p[endpoint][0] >= t).length);
  const landmarks = arms.flatMap((a) =>
    ([3, 5] as const).map((years) => {
      const p = atTime(a.points, years * 12);
      return { arm: a.arm, years, estimate: p.estimate, lower: p.lower, upper: p.upper };
    }),
  );
  return { arms, riskTable: { times, atRisk: { ptr: atRisk('ptr'), port: atRisk('port') } }, landmarks };
}

function normalCdf(x: number): number {
  // Abramowitz & Stegun 7.1.26 via erf; ample for fabricated p values.
  const t = 1 / (1 + 0.3275911 * Math.abs(x / Math.SQRT2));
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

function estimate(u: () => number, centre: number, se: number): HazardEstimate {
  const b = Math.log(centre) + (u() - 0.5) * se;
  const z = b / se;
  return { hr: Math.exp(b), lower: Math.exp(b - Z975 * se), upper: Math.exp(b + Z975 * se), p: 2 * (1 - normalCdf(Math.abs(z))) };
}

const PUBLISHED: Partial<Record<`${Population}/${Endpoint}`, { hr: number; lower: number; upper: number }>> = {
  'all/pfs': { hr: 0.64, lower: 0.5, upper: 0.82 },
  'all/lrr': { hr: 0.43, lower: 0.26, upper: 0.71 },
  'all/dp': { hr: 0.71, lower: 0.55, upper: 0.91 },
  'group1/os': { hr: 0.59, lower: 0.31, upper: 1.1 },
  'group1/pfs': { hr: 0.57, lower: 0.39, upper: 0.83 },
  'group1/lrr': { hr: 0.36, lower: 0.15, upper: 0.84 },
  'group1/dp': { hr: 0.58, lower: 0.4, upper: 0.86 },
  'group2/os': { hr: 0.95, lower: 0.56, upper: 1.61 },
  'group2/pfs': { hr: 0.66, lower: 0.46, upper: 0.97 },
  'group2/dp': { hr: 0.67, lower: 0.46, upper: 0.96 },
};

const TERMS: readonly { term: ModelTerm; centre: number }[] = [
  { term: { covariate: 'port', level: 'port', reference: ['ptr'] }, centre: 0.7 },
  { term: { covariate: 'tCategory', level: 'T3/4', reference: ['T1/2'] }, centre: 1.5 },
  { term: { covariate: 'nCategory', level: 'N2/3', reference: ['N0/1'] }, centre: 1.2 },
  { term: { covariate: 'tnbc', level: 'tnbc', reference: ['nonTnbc'] }, centre: 2.1 },
  { term: { covariate: 'metastasisCount', level: 'gt5', reference: ['le5'] }, centre: 1.7 },
  { term: { covariate: 'metastaticSite', level: 'other', reference: ['boneOnly'] }, centre: 1.3 },
  { term: { covariate: 'ptrType', level: 'mastectomy', reference: ['bcs'] }, centre: 1.15 },
  { term: { covariate: 'chemotherapy', level: 'postop', reference: ['preop', 'both', 'none'] }, centre: 1.3 },
  { term: { covariate: 'hormonalTherapy', level: 'yes', reference: ['no'] }, centre: 0.8 },
];

function modelTable(u: () => number, population: Population, endpoint: Endpoint, analysis: 'replication' | 'monitoring', n: number, events: number): ModelTable {
  const se = 2 / Math.sqrt(Math.max(events, 4));
  const rows: ModelRow[] = (analysis === 'monitoring' ? TERMS.slice(0, 5) : TERMS).map(({ term, centre }, i) => {
    const uni = estimate(u, centre, se);
    const multivariate =
      analysis === 'monitoring' || (uni.p <= 0.2 && i % 3 !== 2)
        ? ({ status: 'estimated', ...estimate(u, centre, se * 1.1) } as const)
        : uni.p > 0.2
          ? ({ status: 'notEntered' } as const)
          : ({ status: 'eliminated' } as const);
    return { term, univariate: analysis === 'monitoring' ? null : uni, multivariate, firth: population === 'group3' && endpoint === 'lrr' && i === 0 };
  });
  return { population, endpoint, analysis, n, events, rows };
}

function baseline(ps: readonly FakePatient[], population: Population): BaselineTable {
  const count = (arm: Arm, f: (p: FakePatient) => boolean) => ps.filter((p) => p.arm === arm && f(p)).length;
  const byArm = (f: (p: FakePatient) => boolean): ByArm<number> => ({ ptr: count('ptr', f), port: count('port', f) });
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const q = (f: number) => s[Math.min(s.length - 1, Math.floor(f * (s.length - 1)))];
    return s.length === 0 ? null : { median: q(0.5), q1: q(0.25), q3: q(0.75) };
  };
  const ages = (arm: Arm) => ps.filter((p) => p.arm === arm && p.age !== null).map((p) => p.age ?? 0);
  const rows: BaselineRow[] = [
    { kind: 'continuous', covariate: 'ageAtPtr', summary: { ptr: median(ages('ptr')), port: median(ages('port')) }, missing: byArm((p) => p.age === null), smd: -0.04, smdWeighted: 0.01 },
    {
      kind: 'categorical',
      covariate: 'tCategory',
      levels: [
        { level: 'T1/2', count: byArm((p) => !p.t34) },
        { level: 'T3/4', count: byArm((p) => p.t34) },
      ],
      missing: { ptr: 0, port: 0 },
      smd: 0.12,
      smdWeighted: 0.02,
    },
    {
      kind: 'categorical',
      covariate: 'tnbc',
      levels: [
        { level: 'nonTnbc', count: byArm((p) => p.tnbc === false) },
        { level: 'tnbc', count: byArm((p) => p.tnbc === true) },
      ],
      missing: byArm((p) => p.tnbc === null),
      smd: -0.08,
      smdWeighted: -0.03,
    },
    {
      kind: 'categorical',
      covariate: 'metastasisCount',
      levels: [
        { level: 'le5', count: byArm((p) => !p.gt5) },
        { level: 'gt5', count: byArm((p) => p.gt5) },
      ],
      missing: { ptr: 0, port: 0 },
      smd: 0.21,
      smdWeighted: 0.04,
    },
  ];
  return { population, n: byArm(() => true), rows };
}

function inPopulation(ps: readonly FakePatient[], population: Population): FakePatient[] {
  return population === 'all' ? [...ps] : ps.filter((p) => p.group === population);
}

export interface Fixture {
  readonly input: ReportInput;
  /** The fake patients' ids: none may appear in any output. */
  readonly patientIds: readonly string[];
}

export function buildFixture(options: FixtureOptions = {}): Fixture {
  const u = mulberry32(options.seed ?? 20221);
  const patients = simulate(u, options.patients ?? 426);
  const look = options.look ?? 4;
  const smallCellMin = options.smallCellMin ?? 11;
  const pops: readonly Population[] = ['all', 'group1', 'group2', 'group3'];
  const endpoints: readonly Endpoint[] = ['os', 'pfs', 'lrr', 'dp'];
  const events = (ps: readonly FakePatient[], e: Endpoint, arm?: Arm) => ps.filter((p) => (arm === undefined || p.arm === arm) && p[e][1] === 1).length;

  const survival: SurvivalCurves[] = pops.flatMap((population) =>
    (['os', 'pfs'] as const).map((endpoint) => ({ population, endpoint, kind: 'survival' as const, ...armCurves(inPopulation(patients, population), endpoint, false), comparison: { test: 'logRank' as const, statistic: null, df: 1, p: u() * 0.2, notComputed: null } })),
  );
  const incidence: IncidenceCurves[] = pops.flatMap((population) =>
    (['lrr', 'dp'] as const).map((endpoint) => ({ population, endpoint, kind: 'incidence' as const, ...armCurves(inPopulation(patients, population), endpoint, true), comparison: { test: 'gray' as const, statistic: null, df: 1, p: u() * 0.3, notComputed: null } })),
  );
  const models = pops.flatMap((population) =>
    endpoints.flatMap((endpoint) => {
      const ps = inPopulation(patients, population);
      return (['replication', 'monitoring'] as const).map((analysis) => modelTable(u, population, endpoint, analysis, ps.length, events(ps, endpoint)));
    }),
  );
  const forest: ForestRow[] = pops.flatMap((population) =>
    endpoints.map((endpoint) => {
      const ps = inPopulation(patients, population);
      const primary = population !== 'all' && (endpoint === 'os' || endpoint === 'pfs');
      const e = estimate(u, PUBLISHED[`${population}/${endpoint}`]?.hr ?? 0.8, 2 / Math.sqrt(Math.max(4, events(ps, endpoint))));
      const widen = 1.35;
      return {
        population,
        endpoint,
        primary,
        n: { ptr: ps.filter((p) => p.arm === 'ptr').length, port: ps.filter((p) => p.arm === 'port').length },
        events: { ptr: events(ps, endpoint, 'ptr'), port: events(ps, endpoint, 'port') },
        hr: e.hr,
        naive: { lower: e.lower, upper: e.upper },
        repeated: primary ? { lower: e.hr * (e.lower / e.hr) ** widen, upper: e.hr * (e.upper / e.hr) ** widen } : null,
        published: PUBLISHED[`${population}/${endpoint}`] ?? null,
        informationFraction: primary ? 0.2 * look : null,
        naiveNewlyExcludesOne: population === 'group2' && endpoint === 'pfs',
      };
    }),
  );
  const zPaths: ZPath[] = (['group1', 'group2', 'group3'] as const).flatMap((population) =>
    (['os', 'pfs'] as const).map((endpoint) => ({
      population,
      endpoint,
      alpha: 0.05 / 6,
      plannedEvents: 200,
      looks: Array.from({ length: look }, (_, i) => {
        const t = 0.2 * (i + 1);
        const drift = population === 'group1' && endpoint === 'pfs' ? -4.2 : population === 'group2' ? -1.2 : 0.3;
        return { look: i + 1, cutoff: quarterEnd(look - 1 - i), informationFraction: t, z: drift * Math.sqrt(t) + (u() - 0.5) * 0.6, boundary: 2.638 / Math.sqrt(t), events: Math.round(200 * t) };
      }),
      notEstimable: null,
    })),
  );
  const sensitivity: SensitivityRow[] = forest.map((f) => ({
    population: f.population,
    endpoint: f.endpoint,
    monitoring: { hr: f.hr, lower: f.naive.lower, upper: f.naive.upper, p: 0.03 + u() * 0.5 },
    iptw: estimate(u, f.hr, 0.3),
    effectiveN: { ptr: Math.round(f.n.ptr * 0.82), port: Math.round(f.n.port * 0.9) },
    maxAbsSmdWeighted: f.population === 'group3' ? 0.14 : 0.04,
    firth: f.population === 'group3' && f.endpoint === 'lrr' ? estimate(u, 0.5, 0.9) : null,
    eValue: { point: 1 + u() * 2, ci: 1 + u() * 0.4 },
    ph: { portP: f.population === 'group2' && f.endpoint === 'os' ? 0.004 : 0.2 + u() * 0.7, globalP: 0.1 + u() * 0.8 },
  }));
  const centres = [...CENTRES, options.hostile === true ? HOSTILE_CENTRE : 'ext', options.hostile === true ? FORMULA_CENTRE : 'ext2'];
  const g1pfs = forest.find((f) => f.population === 'group1' && f.endpoint === 'pfs');
  const g3os = forest.find((f) => f.population === 'group3' && f.endpoint === 'os');
  if (g1pfs === undefined || g3os === undefined) throw new Error('fixture: forest rows missing');
  const lastZ = zPaths.find((z) => z.population === 'group1' && z.endpoint === 'pfs')?.looks.at(-1);

  const input: ReportInput = {
    meta: {
      title: options.hostile === true ? HOSTILE_TITLE : 'CohortWatch quarterly report: PTR/PORT registry',
      cutoff: '2026-09-30',
      previousCutoff: look > 1 ? quarterEnd(1) : null,
      look,
      planVersion: '2026.11-1',
      codeVersion: '0.1.0+120f651',
      dataHash: Array.from({ length: 64 }, () => Math.floor(u() * 16).toString(16)).join(''),
      runId: '6f1c2a9e-3b7d-4e52-9a51-0c8e2f4d7b13',
      generatedAt: '2026-10-01T06:00:12Z',
    },
    privacy: { smallCellMin },
    flow: {
      patientsPrevious: patients.length - 23,
      patientsCurrent: patients.length,
      newRegistrations: 25,
      removedPatients: 2,
      patientsByGroup: {
        group1: patients.filter((p) => p.group === 'group1').length,
        group2: patients.filter((p) => p.group === 'group2').length,
        group3: patients.filter((p) => p.group === 'group3').length,
        unclassified: patients.filter((p) => p.group === null).length,
      },
      eventsByType: [
        { type: 'registration', received: 27, applied: 25, rejected: 1, conflicting: 1, retracted: 0 },
        { type: 'lrr', received: 14, applied: 13, rejected: 0, conflicting: 1, retracted: 0 },
        { type: 'dp', received: 41, applied: 40, rejected: 1, conflicting: 0, retracted: 1 },
        { type: 'progression', received: 3, applied: 3, rejected: 0, conflicting: 0, retracted: 0 },
        { type: 'death', received: 19, applied: 19, rejected: 0, conflicting: 0, retracted: 0 },
        { type: 'last_contact', received: 388, applied: 380, rejected: 6, conflicting: 2, retracted: 0 },
        { type: 'retraction', received: 3, applied: 3, rejected: 0, conflicting: 0, retracted: 0 },
      ],
      endpointEvents: pops.flatMap((population) =>
        endpoints.map((endpoint) => {
          const current = events(inPopulation(patients, population), endpoint);
          return { population, endpoint, previous: look > 1 ? Math.max(0, current - Math.round(current * 0.08)) : null, current };
        }),
      ),
    },
    baseline: pops.map((population) => baseline(inPopulation(patients, population), population)),
    followUp: pops.map((population) => ({ population, n: inPopulation(patients, population).length, medianMonths: 53.7, lower: 49.8, upper: 58.2, q1Months: 31.2, q3Months: 88.4 })),
    survival,
    incidence,
    models,
    forest,
    notEstimated: [],
    zPaths,
    sensitivity,
    dataQuality: {
      overdueFollowUp: { overdueAfterMonths: 6, patients: 37, ofPatients: patients.length },
      missingCovariates: [
        { covariate: 'ageAtPtr', missing: patients.filter((p) => p.age === null).length, ofPatients: patients.length },
        { covariate: 'tnbc', missing: patients.filter((p) => p.tnbc === null).length, ofPatients: patients.length },
        { covariate: 'nCategory', missing: 0, ofPatients: patients.length },
        { covariate: 'axillarySurgery', missing: 14, ofPatients: patients.length },
      ],
      rejectedEvents: [
        { reason: 'schema', total: 21, sincePrevious: 5 },
        { reason: 'occurredAfterReported', total: 12, sincePrevious: 3 },
      ],
      conflictingEvents: [
        { reason: 'payloadMismatch', total: 4, sincePrevious: 1 },
        { reason: 'afterDeath', total: 13, sincePrevious: 3 },
      ],
      centres: centres.map((centre, i) => {
        const n = patients.filter((p) => p.centre === centre).length + (i >= CENTRES.length ? 3 : 0);
        return { centreLabel: centre, patients: n, completeCovariates: Math.round(n * 0.93), currentFollowUp: Math.round(n * 0.88) };
      }),
    },
    alerts: [
      {
        kind: 'boundaryCrossing',
        population: 'group1',
        endpoint: 'pfs',
        alertId: 'a1b2c3d4-0000-4000-8000-00000000b0a1',
        evidence: {
          notComputed: null,
          hr: g1pfs.hr,
          naive: g1pfs.naive,
          repeated: g1pfs.repeated,
          z: lastZ?.z ?? -3.4,
          boundary: lastZ?.boundary ?? 3.0,
          informationFraction: g1pfs.informationFraction,
          events: g1pfs.events,
          driftZ: null,
          driftThreshold: null,
          publishedHr: null,
          validityReasons: [],
        },
      },
      {
        kind: 'validity',
        population: 'group3',
        endpoint: 'os',
        alertId: 'a1b2c3d4-0000-4000-8000-00000000b0a2',
        evidence: {
          notComputed: null,
          hr: g3os.hr,
          naive: g3os.naive,
          repeated: g3os.repeated,
          z: -0.4,
          boundary: null,
          informationFraction: g3os.informationFraction,
          events: g3os.events,
          driftZ: null,
          driftThreshold: null,
          publishedHr: null,
          validityReasons: ['iptwImbalance', 'lowEffectiveSampleSize'],
        },
      },
    ],
  };
  return { input, patientIds: patients.map((p) => p.id) };
}
