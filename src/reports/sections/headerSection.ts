// The report's head: title, look and cutoff, provenance (plan, code, data hash, run), the figures
// at a glance, and the table of contents.
import type { ReportInput } from '../reportInput.ts';
import { escapeHtml } from '../escape.ts';
import { checkHash, checkIdentifier, checkIsoDate, checkIsoDateTime, scrubFreeText } from '../freeText.ts';
import { countCell, formatCount } from '../format.ts';
import { makeTable } from '../tableData.ts';
import { ReportInputError } from '../reportInputError.ts';
import { formatDelta } from './flowSection.ts';
import type { Section } from './section.ts';

export const TITLE_MAX = 160;

/** The run's provenance, checked: a version, hash or id of an unexpected shape stops the render. */
export function checkedMeta(input: ReportInput) {
  const m = input.meta;
  if (!Number.isInteger(m.look) || m.look < 1) throw new ReportInputError(`look must be a positive integer, got ${String(m.look)}`);
  return {
    title: scrubFreeText(m.title, TITLE_MAX) || 'CohortWatch quarterly report',
    cutoff: checkIsoDate('cutoff', m.cutoff),
    previousCutoff: m.previousCutoff === null ? null : checkIsoDate('previous cutoff', m.previousCutoff),
    look: m.look,
    planVersion: checkIdentifier('plan version', m.planVersion),
    codeVersion: checkIdentifier('code version', m.codeVersion),
    dataHash: checkHash('data hash', m.dataHash),
    runId: checkIdentifier('run id', m.runId),
    generatedAt: checkIsoDateTime('generated at', m.generatedAt),
  };
}

export type CheckedMeta = ReturnType<typeof checkedMeta>;

export function headerHtml(input: ReportInput, meta: CheckedMeta, toc: readonly { id: string; title: string }[]): string {
  const min = input.privacy.smallCellMin;
  const e = escapeHtml;
  const previous = meta.previousCutoff === null ? 'first look' : `previous cutoff ${meta.previousCutoff}`;
  const crossings = input.alerts.filter((a) => a.kind === 'boundaryCrossing').length;
  const glance = [
    {
      value: formatCount(input.flow.patientsCurrent, min, 'patients'),
      label: meta.previousCutoff === null ? 'patients (first look)' : `patients (${formatDelta(input.flow.patientsCurrent - input.flow.patientsPrevious, min)} since the previous cutoff)`,
      alerting: false,
    },
    { value: String(input.alerts.length), label: input.alerts.length === 1 ? 'alert at this look' : 'alerts at this look', alerting: input.alerts.length > 0 },
    { value: String(crossings), label: 'boundary crossings', alerting: crossings > 0 },
    { value: String(input.zPaths.length), label: 'primary estimands monitored', alerting: false },
  ];
  return `<header>
<p><span class="confidential">Aggregates only · counts below ${min} suppressed</span></p>
<h1>${e(meta.title)}</h1>
<p class="subtitle">Look ${meta.look} · data cutoff ${e(meta.cutoff)} (${e(previous)})</p>
<dl class="meta">
<dt>Analysis plan</dt><dd>${e(meta.planVersion)}</dd>
<dt>Code version</dt><dd>${e(meta.codeVersion)}</dd>
<dt>Run</dt><dd class="mono">${e(meta.runId)}</dd>
<dt>Generated</dt><dd>${e(meta.generatedAt)}</dd>
<dt>Data hash</dt><dd class="mono span">${e(meta.dataHash)}</dd>
</dl>
<div class="glance">${glance.map((g) => `<div${g.alerting ? ' class="alerting"' : ''}><span class="value">${e(g.value)}</span><span class="label">${e(g.label)}</span></div>`).join('')}</div>
<nav class="toc" aria-label="Contents"><strong>Contents</strong><ol>${toc.map((s) => `<li><a href="#${e(s.id)}">${e(s.title)}</a></li>`).join('')}</ol></nav>
</header>`;
}

export function metaSection(input: ReportInput, meta: CheckedMeta): Pick<Section, 'tables'> {
  return {
    tables: {
      meta: makeTable(
        'The run this report shows',
        [
          { name: 'key', type: 'string' },
          { name: 'value', type: 'string' },
        ],
        [
          ['title', meta.title],
          ['cutoff', meta.cutoff],
          ['previousCutoff', meta.previousCutoff],
          ['look', String(meta.look)],
          ['planVersion', meta.planVersion],
          ['codeVersion', meta.codeVersion],
          ['dataHash', meta.dataHash],
          ['runId', meta.runId],
          ['generatedAt', meta.generatedAt],
          ['smallCellMin', String(input.privacy.smallCellMin)],
          ['patients', String(countCell(input.flow.patientsCurrent, input.privacy.smallCellMin))],
        ],
      ),
    },
  };
}
