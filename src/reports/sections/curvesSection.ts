// Follow-up (reverse Kaplan-Meier), Kaplan-Meier curves for OS and PFS, cumulative incidence for
// LRR and DP (death competing), with numbers at risk and the 3- and 5-year estimates.
import type { Arm, ArmCurve, IncidenceCurves, LandmarkEstimate, ReportInput, SurvivalCurves } from '../reportInput.ts';
import { ARMS } from '../reportInput.ts';
import { cifPlotSvg, drawnPoints, kmPlotSvg } from '../charts/curvePlot.ts';
import { EN_DASH, countCell, formatCount, formatMonths, formatP, formatPStatement, formatPercentCi } from '../format.ts';
import { htmlTable, num, type HtmlRow } from '../htmlTable.ts';
import { makeTable, type Cell } from '../tableData.ts';
import { ARM_LABEL, ENDPOINT_LABEL, ENDPOINT_SHORT, POPULATION_LABEL, labelOf } from '../vocabulary.ts';
import { figure, heading, paragraph, type Section } from './section.ts';

const MONTHS_PER_YEAR = 12;

function finiteOrNull(x: number | null): number | null {
  return x !== null && Number.isFinite(x) ? x : null;
}

/** Time of the first step resting on fewer than `smallCellMin` patients at risk, or null. */
export function truncationTime(curve: ArmCurve, smallCellMin: number): number | null {
  return curve.points.find((p) => p.nRisk < smallCellMin)?.time ?? null;
}

/** A landmark estimate is printed only where the drawn curve reaches it (enough patients at risk). */
function landmarkShown(curve: ArmCurve | undefined, landmark: LandmarkEstimate, smallCellMin: number): boolean {
  if (curve === undefined || landmark.estimate === null) return false;
  const cut = truncationTime(curve, smallCellMin);
  return cut === null || cut > landmark.years * MONTHS_PER_YEAR;
}

type CurveSetInput = SurvivalCurves | IncidenceCurves;

function landmarkRows(sets: readonly CurveSetInput[], min: number): HtmlRow[] {
  return sets.map((set) => {
    const at = (arm: Arm, years: 3 | 5): string => {
      const curve = set.arms.find((a) => a.arm === arm);
      const l = set.landmarks.find((x) => x.arm === arm && x.years === years);
      if (l === undefined) return 'NA';
      return landmarkShown(curve, l, min) ? formatPercentCi(l) : `NA (< ${min} at risk)`;
    };
    const p = set.comparison.p;
    return [
      `${labelOf(POPULATION_LABEL, set.population, 'population')} · ${labelOf(ENDPOINT_SHORT, set.endpoint, 'endpoint')}`,
      ...ARMS.flatMap((arm) => [num(at(arm, 3)), num(at(arm, 5))]),
      num(p === null ? 'not computed' : formatP(p), undefined),
    ];
  });
}

function curveCaption(set: CurveSetInput, min: number): string {
  const kind = set.kind === 'survival' ? 'Kaplan-Meier estimate' : 'Cumulative incidence (Aalen-Johansen, death as competing risk)';
  const test = `${set.comparison.test === 'logRank' ? 'log-rank' : "Gray's test (Gray 1988)"} ${formatPStatement(set.comparison.p, set.comparison.notComputed)}`;
  return `${kind} by arm with pointwise 95% CI; ${test}. Curves stop where fewer than ${min} patients remain at risk.`;
}

async function curveFigures(sets: readonly CurveSetInput[], min: number): Promise<string> {
  if (sets.length === 0) return paragraph('No curve was estimated at this look.', 'muted');
  const figures: string[] = [];
  for (const set of sets) {
    const yTitle = set.kind === 'survival' ? labelOf(ENDPOINT_LABEL, set.endpoint, 'endpoint') : `Cumulative incidence of ${labelOf(ENDPOINT_SHORT, set.endpoint, 'endpoint')}`;
    const options = { smallCellMin: min, yTitle, description: curveCaption(set, min) };
    const svg = set.kind === 'survival' ? await kmPlotSvg(set, options) : await cifPlotSvg(set, options);
    const title = `${labelOf(ENDPOINT_LABEL, set.endpoint, 'endpoint')} · ${labelOf(POPULATION_LABEL, set.population, 'population')}`;
    figures.push(figure(svg, curveCaption(set, min), { title }));
  }
  return `<div class="grid-2 figures">${figures.join('\n')}</div>`;
}

function curveTableRows(sets: readonly CurveSetInput[], kind: 'km' | 'cif', min: number): Cell[][] {
  return sets.flatMap((set) =>
    set.arms.flatMap((curve) =>
      drawnPoints(curve.points, min).map((p): Cell[] => [set.population, set.endpoint, kind, curve.arm, p.time, p.estimate, finiteOrNull(p.lower), finiteOrNull(p.upper)]),
    ),
  );
}

export async function curvesSection(input: ReportInput): Promise<Section> {
  const min = input.privacy.smallCellMin;
  const followUpHtml = htmlTable({
    caption: 'Follow-up by reverse Kaplan-Meier (months since PTR)',
    head: [['Population', num('Patients'), num('Median (95% CI)'), num('IQR')]],
    body: input.followUp.map((f) => [
      labelOf(POPULATION_LABEL, f.population, 'population'),
      num(formatCount(f.n, min, 'patients')),
      num(f.medianMonths === null ? 'not reached' : `${formatMonths(f.medianMonths)} (${formatMonths(f.lower)}${EN_DASH}${formatMonths(f.upper)})`),
      num(`${f.q1Months === null ? 'not reached' : formatMonths(f.q1Months)}${EN_DASH}${f.q3Months === null ? 'not reached' : formatMonths(f.q3Months)}`),
    ]),
    notes: ['Reverse Kaplan-Meier (Schemper & Smith 1996): death censors follow-up, loss to follow-up is the event. IQR: its quartiles; "not reached" when the reverse Kaplan-Meier does not fall that far.'],
  });
  const landmarkHtml = htmlTable({
    caption: '3- and 5-year estimates by arm, % (95% CI): survival for OS and PFS, cumulative incidence for LRR and DP',
    head: [
      [{ text: 'Population · endpoint', rowspan: 2 }, ...ARMS.map((arm) => ({ text: ARM_LABEL[arm], colspan: 2, numeric: true })), { text: 'p', rowspan: 2, numeric: true }],
      [num('3 years'), num('5 years'), num('3 years'), num('5 years')],
    ],
    body: landmarkRows([...input.survival, ...input.incidence], min),
    notes: [`p: log-rank (OS, PFS) or Gray's test (LRR, DP). NA: the estimate rests on fewer than ${min} patients at risk.`],
  });
  const html = [
    heading(3, 'Follow-up'),
    followUpHtml,
    heading(3, 'Kaplan-Meier curves: overall and progression-free survival'),
    await curveFigures(input.survival, min),
    heading(3, 'Cumulative incidence: locoregional recurrence and distant progression'),
    await curveFigures(input.incidence, min),
    heading(3, 'Landmark estimates'),
    landmarkHtml,
  ].join('\n');
  const landmarks = [...input.survival, ...input.incidence].flatMap((set) =>
    set.landmarks.map((l): Cell[] => {
      const shown = landmarkShown(
        set.arms.find((a) => a.arm === l.arm),
        l,
        min,
      );
      return [set.population, set.endpoint, l.arm, l.years, shown ? finiteOrNull(l.estimate) : null, shown ? finiteOrNull(l.lower) : null, shown ? finiteOrNull(l.upper) : null];
    }),
  );
  const risk = [...input.survival, ...input.incidence].flatMap((set) =>
    (['ptr', 'port'] as const).flatMap((arm) => set.riskTable.times.map((t, i): Cell[] => [set.population, set.endpoint, arm, t, countCell(set.riskTable.atRisk[arm][i] ?? 0, min, 'at risk')])),
  );
  return {
    id: 'survival',
    title: 'Follow-up, survival and cumulative incidence',
    html,
    tables: {
      'follow-up': makeTable(
        'Median follow-up by reverse Kaplan-Meier, months',
        [
          { name: 'population', type: 'string' },
          { name: 'patients', type: 'count' },
          { name: 'median', type: 'number' },
          { name: 'lower', type: 'number' },
          { name: 'upper', type: 'number' },
          { name: 'q1', type: 'number' },
          { name: 'q3', type: 'number' },
        ],
        input.followUp.map((f) => [f.population, countCell(f.n, min), f.medianMonths, f.lower, f.upper, f.q1Months, f.q3Months]),
      ),
      'curve-tests': makeTable(
        'Test of each curve comparison PORT vs PTR alone: log-rank (OS, PFS), Gray 1988 (LRR, DP); null with the reason where not computed',
        [
          { name: 'population', type: 'string' },
          { name: 'endpoint', type: 'string' },
          { name: 'test', type: 'string' },
          { name: 'statistic', type: 'number' },
          { name: 'df', type: 'number' },
          { name: 'p', type: 'number' },
          { name: 'notComputed', type: 'string' },
        ],
        [...input.survival, ...input.incidence].map((set) => [set.population, set.endpoint, set.comparison.test, set.comparison.statistic, set.comparison.df, set.comparison.p, set.comparison.notComputed]),
      ),
      landmarks: makeTable(
        '3- and 5-year survival (OS, PFS) and cumulative incidence (LRR, DP) by arm; null where fewer than smallCellMin remain at risk',
        [
          { name: 'population', type: 'string' },
          { name: 'endpoint', type: 'string' },
          { name: 'arm', type: 'string' },
          { name: 'years', type: 'number' },
          { name: 'estimate', type: 'number' },
          { name: 'lower', type: 'number' },
          { name: 'upper', type: 'number' },
        ],
        landmarks,
      ),
      'risk-tables': makeTable(
        'Numbers at risk by arm at fixed months since PTR',
        [
          { name: 'population', type: 'string' },
          { name: 'endpoint', type: 'string' },
          { name: 'arm', type: 'string' },
          { name: 'month', type: 'number' },
          { name: 'atRisk', type: 'count' },
        ],
        risk,
      ),
      curves: makeTable(
        'Step functions as drawn (KM survival or cumulative incidence), months since PTR: stopped where fewer than smallCellMin are at risk, steps thinned to 0.002 of the axis',
        [
          { name: 'population', type: 'string' },
          { name: 'endpoint', type: 'string' },
          { name: 'kind', type: 'string' },
          { name: 'arm', type: 'string' },
          { name: 'time', type: 'number' },
          { name: 'estimate', type: 'number' },
          { name: 'lower', type: 'number' },
          { name: 'upper', type: 'number' },
        ],
        [...curveTableRows(input.survival, 'km', min), ...curveTableRows(input.incidence, 'cif', min)],
      ),
    },
  };
}
