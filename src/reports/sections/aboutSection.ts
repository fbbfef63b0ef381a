// How to read the report: definitions, number formats, the small-cell rule.
import type { ReportInput } from '../reportInput.ts';
import { escapeHtml } from '../escape.ts';
import type { Section } from './section.ts';

export function aboutSection(input: ReportInput): Section {
  const min = input.privacy.smallCellMin;
  const items: [string, string][] = [
    ['Time zero', 'Every endpoint is measured from primary tumour resection (PTR); months = days / 30.4375.'],
    ['Endpoints', 'OS: death from any cause. PFS: first of locoregional recurrence, distant progression, progression or death. LRR and DP: cause-specific Cox models (death censored) and cumulative incidence with death as a competing risk.'],
    ['Arms', 'PTR alone vs PTR followed by postoperative radiotherapy (PORT). Hazard ratios are PORT vs PTR alone: below 1 favours PORT.'],
    ['Replication vs monitoring', 'Replication tables repeat the paper’s procedure and are never the basis of an alert. Alerts watch the pre-specified monitoring model only.'],
    ['Sequential monitoring', 'Two-sided alpha 0.05 is split across the primary estimands (PORT in groups 1–3 for OS and PFS) and spent with Lan-DeMets O’Brien-Fleming over the information fraction (events / planned events). The repeated CI keeps its coverage across all looks; the naive 95% CI does not and never alerts.'],
    ['Number formats', 'Hazard ratios: 2 decimals (1 above 10). p: 3 decimals, “<0.001” below. Percentages: 1 decimal. SMD and z: 2 decimals. Months: 1 decimal. CIs are 95% unless labelled repeated.'],
    ['Small cells', `Every count from 1 to ${min - 1} is printed as “<${min}”, without its percentage. Where such a count would follow by subtraction from a total and the other printed counts, in this table or across tables (or be pinned by the bounds “<${min}” and “≥${min}” give), another count is hidden too and printed “≥${min}”. A count that follows from counts printed in full elsewhere is printed as it is. Curves stop, and landmark estimates are not given, where fewer than ${min} patients remain at risk. The exported CSV/JSON tables carry the same suppression.`],
    ['Tests of curves', 'Kaplan-Meier curves by arm are compared with the log-rank test, cumulative incidence curves with Gray’s test (Gray 1988; as R’s cmprsk cuminc). A test that could not be computed says why.'],
    ['Data', 'The report renders exactly the dataset of its analysis run: it is refused if the data as of the cutoff no longer hash to the run’s dataset hash shown in the header. A value that was not computed is printed “not computed”, with the reason.'],
    ['Privacy', 'The report carries aggregates only: no patient identifier and no patient’s event date.'],
  ];
  return {
    id: 'about',
    title: 'About this report',
    html: `<dl class="about">${items.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`,
    tables: {},
  };
}
