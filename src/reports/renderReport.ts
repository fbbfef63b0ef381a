// The quarterly report: one self-contained HTML page (inline CSS and SVG, no script, nothing
// loaded from the network) and every table in machine-readable form.
import type { ReportInput } from './reportInput.ts';
import { ReportInputError } from './reportInputError.ts';
import { escapeHtml } from './escape.ts';
import { REPORT_CSS } from './style.ts';
import type { TableData } from './tableData.ts';
import { aboutSection } from './sections/aboutSection.ts';
import { alertsSection } from './sections/alertsSection.ts';
import { baselineSection } from './sections/baselineSection.ts';
import { boundarySection } from './sections/boundarySection.ts';
import { curvesSection } from './sections/curvesSection.ts';
import { dataQualitySection } from './sections/dataQualitySection.ts';
import { flowSection } from './sections/flowSection.ts';
import { forestSection } from './sections/forestSection.ts';
import { checkedMeta, headerHtml, metaSection } from './sections/headerSection.ts';
import { modelsSection } from './sections/modelsSection.ts';
import { monitoringSection } from './sections/monitoringSection.ts';
import { sensitivitySection } from './sections/sensitivitySection.ts';
import type { Section } from './sections/section.ts';

export interface RenderedReport {
  /** The complete HTML document. */
  readonly html: string;
  /** Every table of the report, keyed by file stem (`tables/<key>.csv`, `tables/<key>.json`). */
  readonly tables: Readonly<Record<string, TableData>>;
}

// Blocks anything the page might try to load or run, should a bug ever let markup through.
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

function checkPrivacy(input: ReportInput): void {
  const min = input.privacy.smallCellMin;
  if (!Number.isInteger(min) || min < 1 || min > 1000) throw new ReportInputError(`smallCellMin must be an integer from 1 to 1000, got ${String(min)}`);
}

/** Renders the report. Throws a ReportInputError (one line) when the input cannot be shown faithfully. */
export async function renderReport(input: ReportInput): Promise<RenderedReport> {
  checkPrivacy(input);
  const meta = checkedMeta(input);
  // Sections render one after another: vega is single-threaded here and the order is the page's.
  const sections: Section[] = [
    alertsSection(input),
    flowSection(input),
    baselineSection(input),
    await curvesSection(input),
    modelsSection(input),
    await forestSection(input),
    await monitoringSection(input),
    boundarySection(input),
    sensitivitySection(input),
    dataQualitySection(input),
    aboutSection(input),
  ];
  const tables: Record<string, TableData> = { ...metaSection(input, meta).tables };
  for (const section of sections) {
    for (const [key, table] of Object.entries(section.tables)) {
      if (key in tables) throw new Error(`two sections export a table named ${key}`);
      tables[key] = table;
    }
  }
  const body = sections
    .map((s, i) => `<section id="${escapeHtml(s.id)}">\n<h2${i === 0 ? ' class="first"' : ''}>${escapeHtml(s.title)}</h2>\n${s.html}\n</section>`)
    .join('\n');
  const title = `${meta.title} · look ${meta.look} · ${meta.cutoff}`;
  const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(CSP)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="CohortWatch ${escapeHtml(meta.codeVersion)}">
<title>${escapeHtml(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
${headerHtml(input, meta, sections)}
${body}
<footer class="colophon">CohortWatch · plan ${escapeHtml(meta.planVersion)} · code ${escapeHtml(meta.codeVersion)} · run ${escapeHtml(meta.runId)} · generated ${escapeHtml(meta.generatedAt)}</footer>
</main>
</body>
</html>
`;
  return { html, tables };
}
