// Cox model tables in the style of the paper's Tables 1-3: univariate and multivariate HR (95% CI)
// and p per factor. "Replication" repeats the paper's procedure (univariate screen p <= 0.2, then
// backward elimination) and never alerts; "monitoring" is the frozen pre-specified model.
import type { HazardEstimate, ModelRow, ModelTable, ReportInput } from '../reportInput.ts';
import { POPULATIONS } from '../reportInput.ts';
import { countCell, formatCount, formatHrCi, formatP } from '../format.ts';
import { htmlTable, num, type HtmlCell } from '../htmlTable.ts';
import { makeTable, type Cell } from '../tableData.ts';
import { ENDPOINT_LABEL, POPULATION_LABEL, labelOf, termLabel } from '../vocabulary.ts';
import { heading, paragraph, type Section } from './section.ts';

const ANALYSIS_LABEL = {
  replication: 'Replication of the paper (univariate screen p ≤ 0.2, backward elimination; never alerts)',
  monitoring: 'Monitoring model (pre-specified, frozen; alerts watch its PORT term)',
} as const;

const SIGNIFICANT = 0.05;
const FIRTH_MARK = '†';

function estimateCells(e: HazardEstimate | null, firth: boolean): [HtmlCell, HtmlCell] {
  if (e === null) return [num(''), num('')];
  const cls = e.p < SIGNIFICANT ? 'sig' : undefined;
  return [num(`${formatHrCi(e)}${firth ? FIRTH_MARK : ''}`, cls), num(formatP(e.p), cls)];
}

function multivariateCells(row: ModelRow): [HtmlCell, HtmlCell] {
  const m = row.multivariate;
  switch (m.status) {
    case 'estimated':
      return estimateCells(m, row.firth);
    case 'notEntered':
      return [{ text: 'not entered', numeric: true, className: 'muted' }, num('')];
    case 'eliminated':
      return [{ text: 'eliminated', numeric: true, className: 'muted' }, num('')];
  }
}

function modelHtml(t: ModelTable, min: number): string {
  const title = `${labelOf(ENDPOINT_LABEL, t.endpoint, 'endpoint')}, ${labelOf(POPULATION_LABEL, t.population, 'population')}. ${ANALYSIS_LABEL[t.analysis]}. n = ${formatCount(t.n, min, 'patients')}, events = ${formatCount(t.events, min, 'events')}.`;
  const hasFirth = t.rows.some((r) => r.firth);
  const notes = [
    ...(t.analysis === 'replication' ? ['not entered: univariate p > 0.2; eliminated: removed by backward elimination. p < 0.05 in bold.'] : ['Adjusted for the covariate set declared in the analysis plan. p < 0.05 in bold.']),
    ...(hasFirth ? [`${FIRTH_MARK} Firth-penalised estimate (monotone likelihood or an empty cell; Heinze & Schemper 2001).`] : []),
  ];
  if (t.analysis === 'monitoring') {
    return htmlTable({
      caption: title,
      head: [['Factor', num('HR (95% CI)'), num('p')]],
      body: t.rows.map((r) => ({ cells: [termLabel(r.term), ...multivariateCells(r)], className: r.term.covariate === 'port' ? 'highlight' : '' })),
      notes,
      className: `model model-${t.analysis}`,
    });
  }
  return htmlTable({
    caption: title,
    head: [
      [{ text: 'Factor', rowspan: 2 }, { text: 'Univariate', colspan: 2, numeric: true }, { text: 'Multivariate', colspan: 2, numeric: true }],
      [num('HR (95% CI)'), num('p'), num('HR (95% CI)'), num('p')],
    ],
    body: t.rows.map((r) => ({ cells: [termLabel(r.term), ...estimateCells(r.univariate, r.firth), ...multivariateCells(r)], className: r.term.covariate === 'port' ? 'highlight' : '' })),
    notes,
    className: `model model-${t.analysis}`,
  });
}

function exportRow(t: ModelTable, r: ModelRow, min: number): Cell[] {
  const u = r.univariate;
  const m = r.multivariate;
  const est = m.status === 'estimated' ? m : null;
  return [
    t.population,
    t.endpoint,
    t.analysis,
    countCell(t.n, min),
    countCell(t.events, min),
    r.term.covariate,
    r.term.level,
    (r.term.reference as readonly string[]).join('|'),
    u?.hr ?? null,
    u?.lower ?? null,
    u?.upper ?? null,
    u?.p ?? null,
    m.status,
    est?.hr ?? null,
    est?.lower ?? null,
    est?.upper ?? null,
    est?.p ?? null,
    r.firth,
  ];
}

export function modelsSection(input: ReportInput): Section {
  const min = input.privacy.smallCellMin;
  const html =
    input.models.length === 0
      ? paragraph('No model was fitted at this look.', 'muted')
      : POPULATIONS.filter((p) => input.models.some((m) => m.population === p))
          .map((p) => {
            const tables = input.models.filter((m) => m.population === p);
            return `${heading(3, labelOf(POPULATION_LABEL, p, 'population'))}\n${tables.map((t) => modelHtml(t, min)).join('\n')}`;
          })
          .join('\n');
  return {
    id: 'models',
    title: 'Cox models (the paper’s Tables 1–3)',
    html,
    tables: {
      models: makeTable(
        'Cox model estimates per population, endpoint and analysis (replication of the paper or monitoring model)',
        [
          { name: 'population', type: 'string' },
          { name: 'endpoint', type: 'string' },
          { name: 'analysis', type: 'string' },
          { name: 'patients', type: 'count' },
          { name: 'events', type: 'count' },
          { name: 'covariate', type: 'string' },
          { name: 'level', type: 'string' },
          { name: 'reference', type: 'string' },
          { name: 'univariateHr', type: 'number' },
          { name: 'univariateLower', type: 'number' },
          { name: 'univariateUpper', type: 'number' },
          { name: 'univariateP', type: 'number' },
          { name: 'multivariateStatus', type: 'string' },
          { name: 'multivariateHr', type: 'number' },
          { name: 'multivariateLower', type: 'number' },
          { name: 'multivariateUpper', type: 'number' },
          { name: 'multivariateP', type: 'number' },
          { name: 'firth', type: 'boolean' },
        ],
        input.models.flatMap((t) => t.rows.map((r) => exportRow(t, r, min))),
      ),
    },
  };
}
