// Table 1: baseline characteristics by PORT arm, with the standardised mean difference before and
// after inverse-probability-of-treatment weighting (|SMD| > 0.1 flagged; Austin 2009).
import type { Arm, BaselineTable, ByArm, CategoricalBaselineRow, ContinuousBaselineRow, Population, ReportInput } from '../reportInput.ts';
import { baselineCounts, type BaselineCounts } from '../baselineCounts.ts';
import { ARMS } from '../reportInput.ts';
import { EN_DASH, checkCount, countCell, fixed, formatCount, formatCountPercent, formatSmd, isSmallCell } from '../format.ts';
import { complementCell, complementText, type CellStatus } from '../suppression.ts';
import { htmlTable, num, type HtmlCell, type HtmlRow } from '../htmlTable.ts';
import { makeTable, type Cell } from '../tableData.ts';
import { ARM_LABEL, POPULATION_LABEL, covariateLabel, labelOf, levelLabel } from '../vocabulary.ts';
import type { Section } from './section.ts';

export const SMD_FLAG = 0.1;

function smdCell(smd: number | null): HtmlCell {
  const flagged = smd !== null && Math.abs(smd) > SMD_FLAG;
  return flagged ? { text: formatSmd(smd), numeric: true, className: 'flag', title: `|SMD| > ${SMD_FLAG}` } : num(formatSmd(smd));
}

function continuousSummary(row: ContinuousBaselineRow, arm: Arm, n: ByArm<number>, min: number): string {
  const s = row.summary[arm];
  // A median of fewer than smallCellMin patients is close to one patient's value: suppress it.
  if (s === null || isSmallCell(n[arm] - row.missing[arm], min)) return s === null ? 'NA' : `n ${formatCount(n[arm] - row.missing[arm], min)}`;
  return `${fixed(s.median, 0)} (${fixed(s.q1, 0)}${EN_DASH}${fixed(s.q3, 0)})`;
}

/** Per arm, the printed text of each level count and of the missing count (complementary suppression over every baseline count: src/reports/baselineCounts.ts). */
function categoricalTexts(row: CategoricalBaselineRow, population: Population, n: ByArm<number>, min: number, decided: BaselineCounts): ByArm<{ levels: string[]; missing: string; status: CellStatus[] }> {
  const column = (arm: Arm) => {
    const counts = [...row.levels.map((l) => checkCount(l.count[arm], 'baseline count')), checkCount(row.missing[arm], 'missing count')];
    const status = [...row.levels.map((l) => decided.table1(population, row.covariate, l.level, arm)), decided.table1(population, row.covariate, 'missing', arm)];
    const texts = counts.map((c, i) => (status[i] === 'complement' ? complementText(min) : formatCountPercent(c, n[arm], min, 'baseline count')));
    return { levels: texts.slice(0, -1), missing: texts[texts.length - 1], status };
  };
  return { ptr: column('ptr'), port: column('port') };
}

function categoricalRows(row: CategoricalBaselineRow, population: Population, n: ByArm<number>, min: number, decided: BaselineCounts): HtmlRow[] {
  // Labels first: an unknown level is a one-line input error before any arithmetic on its counts.
  const names = row.levels.map((l) => levelLabel(row.covariate, l.level));
  const texts = categoricalTexts(row, population, n, min, decided);
  const header: HtmlRow = { cells: [covariateLabel(row.covariate), '', '', smdCell(row.smd), smdCell(row.smdWeighted)], className: 'group' };
  const levels: HtmlRow[] = row.levels.map((_level, i) => ({
    cells: [names[i], ...ARMS.map((arm) => num(texts[arm].levels[i])), '', ''],
    className: 'indent',
  }));
  const missing: HtmlRow[] =
    row.missing.ptr + row.missing.port > 0 ? [{ cells: ['Missing', ...ARMS.map((arm) => num(texts[arm].missing)), '', ''], className: 'indent muted' }] : [];
  return [header, ...levels, ...missing];
}

function continuousRows(row: ContinuousBaselineRow, population: Population, n: ByArm<number>, min: number, decided: BaselineCounts): HtmlRow[] {
  const missingText = (arm: Arm) => (decided.table1(population, row.covariate, 'missing', arm) === 'complement' ? complementText(min) : formatCountPercent(row.missing[arm], n[arm], min, 'missing count'));
  const main: HtmlRow = {
    cells: [`${covariateLabel(row.covariate)}, median (IQR)`, ...ARMS.map((arm) => num(continuousSummary(row, arm, n, min))), smdCell(row.smd), smdCell(row.smdWeighted)],
    className: 'group',
  };
  const missing: HtmlRow[] =
    row.missing.ptr + row.missing.port > 0
      ? [{ cells: ['Missing', ...ARMS.map((arm) => num(missingText(arm))), '', ''], className: 'indent muted' }]
      : [];
  return [main, ...missing];
}

function tableHtml(t: BaselineTable, min: number, decided: BaselineCounts): string {
  const head = [
    'Characteristic',
    ...ARMS.map((arm) => num(`${ARM_LABEL[arm]} (n = ${formatCount(t.n[arm], min, 'arm size')})`)),
    num('SMD'),
    num('SMD, IPTW'),
  ];
  return htmlTable({
    caption: `Table 1. Baseline characteristics by PORT: ${labelOf(POPULATION_LABEL, t.population, 'population')}`,
    head: [head],
    body: t.rows.flatMap((row) => (row.kind === 'categorical' ? categoricalRows(row, t.population, t.n, min, decided) : continuousRows(row, t.population, t.n, min, decided))),
    notes: [
      'Values are n (% of the arm) unless stated. SMD: standardised difference, PORT vs PTR alone, among patients with the covariate known: for age signed (Austin & Stuart 2015); for a factor the multivariate form of Yang & Dalton (2012), which is ≥ 0 and equals |SMD| for two levels.',
      `<${min}: fewer than ${min} patients. ≥${min}: not shown, so that a suppressed count cannot be recovered from the arm total, from the other populations' tables or from the data-quality table.`,
      `|SMD| > ${SMD_FLAG} is highlighted. SMD, IPTW: the same under the stabilised inverse-probability-of-treatment weights of the plan's propensity model (PORT on the monitoring covariates), over the complete cases it was fitted on; blank where the plan fits none.`,
    ],
    className: 'table1',
  });
}

export function baselineSection(input: ReportInput): Section {
  const min = input.privacy.smallCellMin;
  // Labels first: an unknown level is a one-line input error before any arithmetic on its counts.
  for (const t of input.baseline) for (const row of t.rows) if (row.kind === 'categorical') for (const l of row.levels) levelLabel(row.covariate, l.level);
  const decided = baselineCounts(input);
  const categorical: Cell[][] = [];
  const continuous: Cell[][] = [];
  for (const t of input.baseline) {
    for (const row of t.rows) {
      if (row.kind === 'categorical') {
        const texts = categoricalTexts(row, t.population, t.n, min, decided);
        const status = { ptr: texts.ptr.status, port: texts.port.status };
        const cell = (arm: Arm, count: number, i: number) => (status[arm][i] === 'complement' ? complementCell(min) : countCell(count, min));
        row.levels.forEach((l, i) => categorical.push([t.population, row.covariate, l.level, cell('ptr', l.count.ptr, i), cell('port', l.count.port, i), row.smd, row.smdWeighted]));
        const m = row.levels.length;
        categorical.push([t.population, row.covariate, 'missing', cell('ptr', row.missing.ptr, m), cell('port', row.missing.port, m), row.smd, row.smdWeighted]);
      } else {
        for (const arm of ARMS) {
          const s = row.summary[arm];
          const hidden = s === null || isSmallCell(t.n[arm] - row.missing[arm], min);
          const missing = decided.table1(t.population, row.covariate, 'missing', arm) === 'complement' ? complementCell(min) : countCell(row.missing[arm], min);
          continuous.push([t.population, row.covariate, arm, hidden ? null : s.median, hidden ? null : s.q1, hidden ? null : s.q3, missing, row.smd, row.smdWeighted]);
        }
      }
    }
  }
  return {
    id: 'baseline',
    title: 'Baseline characteristics (Table 1)',
    html: input.baseline.map((t) => tableHtml(t, min, decided)).join('\n'),
    tables: {
      'baseline-categorical': makeTable(
        'Baseline characteristics by arm: counts per level (level "missing" = not recorded)',
        [
          { name: 'population', type: 'string' },
          { name: 'covariate', type: 'string' },
          { name: 'level', type: 'string' },
          { name: 'ptr', type: 'count' },
          { name: 'port', type: 'count' },
          { name: 'smd', type: 'number' },
          { name: 'smdWeighted', type: 'number' },
        ],
        categorical,
      ),
      'baseline-continuous': makeTable(
        'Baseline characteristics by arm: continuous covariates (median and quartiles)',
        [
          { name: 'population', type: 'string' },
          { name: 'covariate', type: 'string' },
          { name: 'arm', type: 'string' },
          { name: 'median', type: 'number' },
          { name: 'q1', type: 'number' },
          { name: 'q3', type: 'number' },
          { name: 'missing', type: 'count' },
          { name: 'smd', type: 'number' },
          { name: 'smdWeighted', type: 'number' },
        ],
        continuous,
      ),
      'baseline-arms': makeTable(
        'Patients per arm and population',
        [
          { name: 'population', type: 'string' },
          { name: 'ptr', type: 'count' },
          { name: 'port', type: 'count' },
        ],
        input.baseline.map((t) => [t.population, countCell(t.n.ptr, min), countCell(t.n.port, min)]),
      ),
    },
  };
}
