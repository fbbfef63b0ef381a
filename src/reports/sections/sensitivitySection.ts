// Sensitivity of the PORT effect: IPTW-weighted Cox with robust CI, Firth refit, E-values,
// proportional-hazards test. Cells that would hold effect alerts are highlighted.
import type { ReportInput } from '../reportInput.ts';
import { formatCount, formatEValue, formatHrCi, formatP, formatSmd } from '../format.ts';
import { htmlTable, num, type HtmlCell } from '../htmlTable.ts';
import { makeTable } from '../tableData.ts';
import { SMD_FLAG } from './baselineSection.ts';
import { estimandLabel } from '../vocabulary.ts';
import type { Section } from './section.ts';

/** The plan's PH validity rule: p < 0.01 holds effect alerts (with enough events; see docs/analysis.md). */
const PH_FLAG = 0.01;

function flagged(text: string, flag: boolean, why: string): HtmlCell {
  return flag ? { text, numeric: true, className: 'flag', title: why } : num(text);
}

export function sensitivitySection(input: ReportInput): Section {
  const min = input.privacy.smallCellMin;
  const table = htmlTable({
    caption: 'Sensitivity of the PORT hazard ratio',
    head: [
      [
        'Estimand',
        num('Monitoring HR (95% CI)'),
        num('IPTW HR (robust 95% CI)'),
        num('ESS PTR / PORT'),
        num('max |SMD|, IPTW'),
        num('Firth HR (95% CI)'),
        num('E-value (point / CI)'),
        num('PH p (PORT / global)'),
      ],
    ],
    body: input.sensitivity.map((s) => [
      estimandLabel(s.population, s.endpoint),
      num(formatHrCi(s.monitoring)),
      num(s.iptw === null ? '' : formatHrCi(s.iptw)),
      num(s.effectiveN === null ? '' : `${formatCount(Math.round(s.effectiveN.ptr), min, 'effective n')} / ${formatCount(Math.round(s.effectiveN.port), min, 'effective n')}`),
      flagged(formatSmd(s.maxAbsSmdWeighted), s.maxAbsSmdWeighted !== null && s.maxAbsSmdWeighted > SMD_FLAG, `imbalance after weighting (> ${SMD_FLAG})`),
      num(s.firth === null ? '' : formatHrCi(s.firth)),
      num(s.eValue === null ? '' : `${formatEValue(s.eValue.point)} / ${formatEValue(s.eValue.ci)}`),
      flagged(s.ph === null ? '' : `${formatP(s.ph.portP)} / ${formatP(s.ph.globalP)}`, s.ph !== null && Math.min(s.ph.portP, s.ph.globalP) < PH_FLAG, `proportional hazards rejected (p < ${PH_FLAG})`),
    ]),
    notes: [
      'IPTW: inverse probability of treatment weighting with robust (sandwich) variance. ESS: Kish effective sample size under the weights.',
      'Firth: penalised likelihood refit, shown when the plan fell back to it. E-value: minimum strength of association, on the risk-ratio scale, that an unmeasured confounder would need with both PORT and the outcome to explain the estimate away (VanderWeele & Ding 2017).',
      'PH: Grambsch-Therneau test (cox.zph). Highlighted cells hold effect alerts for the estimand.',
    ],
  });
  return {
    id: 'sensitivity',
    title: 'Sensitivity analyses',
    html: table,
    tables: {
      sensitivity: makeTable(
        'Sensitivity of the PORT hazard ratio: IPTW, Firth, E-values, proportional-hazards test',
        [
          { name: 'population', type: 'string' },
          { name: 'endpoint', type: 'string' },
          { name: 'hr', type: 'number' },
          { name: 'lower', type: 'number' },
          { name: 'upper', type: 'number' },
          { name: 'p', type: 'number' },
          { name: 'iptwHr', type: 'number' },
          { name: 'iptwLower', type: 'number' },
          { name: 'iptwUpper', type: 'number' },
          { name: 'iptwP', type: 'number' },
          { name: 'essPtr', type: 'number' },
          { name: 'essPort', type: 'number' },
          { name: 'maxAbsSmdWeighted', type: 'number' },
          { name: 'firthHr', type: 'number' },
          { name: 'firthLower', type: 'number' },
          { name: 'firthUpper', type: 'number' },
          { name: 'firthP', type: 'number' },
          { name: 'eValuePoint', type: 'number' },
          { name: 'eValueCi', type: 'number' },
          { name: 'phPortP', type: 'number' },
          { name: 'phGlobalP', type: 'number' },
        ],
        input.sensitivity.map((s) => {
          // An effective sample size below the small-cell threshold is suppressed like a count.
          const ess = (x: number) => (x > 0 && x < min ? null : x);
          return [
            s.population,
            s.endpoint,
            s.monitoring.hr,
            s.monitoring.lower,
            s.monitoring.upper,
            s.monitoring.p,
            s.iptw?.hr ?? null,
            s.iptw?.lower ?? null,
            s.iptw?.upper ?? null,
            s.iptw?.p ?? null,
            s.effectiveN === null ? null : ess(s.effectiveN.ptr),
            s.effectiveN === null ? null : ess(s.effectiveN.port),
            s.maxAbsSmdWeighted,
            s.firth?.hr ?? null,
            s.firth?.lower ?? null,
            s.firth?.upper ?? null,
            s.firth?.p ?? null,
            s.eValue?.point ?? null,
            s.eValue?.ci ?? null,
            s.ph?.portP ?? null,
            s.ph?.globalP ?? null,
          ];
        }),
      ),
    },
  };
}
