import { beforeAll, describe, expect, it } from 'vitest';
import { renderReport, tableToCsv, tableToJson, type RenderedReport, type ReportInput } from '../../src/reports/index.ts';
import { ReportInputError } from '../../src/reports/reportInputError.ts';
import { buildFixture, HOSTILE_TITLE } from './fixture.ts';

const SECTION_IDS = ['alerts', 'flow', 'baseline', 'survival', 'models', 'forest', 'monitoring', 'sensitivity', 'data-quality', 'about'];

function section(html: string, id: string): string {
  const start = html.indexOf(`<section id="${id}">`);
  expect(start, `section ${id}`).toBeGreaterThanOrEqual(0);
  return html.slice(start, html.indexOf('</section>', start));
}

function svgsOf(html: string): string[] {
  return html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
}

/** Every printed text of an SVG (tick labels, numbers at risk, legend). */
function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
}

/** The same input without its 16 curves (the slowest part to render), for tests about other sections. */
function withoutCurves(input: ReportInput): ReportInput {
  return { ...input, survival: [], incidence: [] };
}

function exportedText(r: RenderedReport): string {
  return Object.values(r.tables)
    .map((t) => `${tableToCsv(t)}\n${JSON.stringify(tableToJson(t))}`)
    .join('\n');
}

describe('renderReport on a realistic input', () => {
  const { input } = buildFixture({ seed: 7, look: 4 });
  let report: RenderedReport;
  beforeAll(async () => {
    report = await renderReport(input);
  });

  it('is one self-contained HTML document: inline CSS and SVG, no script, nothing to fetch', () => {
    expect(report.html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(report.html).toContain('<style>');
    expect(report.html).not.toMatch(/<script|<link|<iframe|<img|<object|@import|url\(\s*['"]?https?:/i);
    const urls = report.html.match(/https?:\/\/[^\s"'<)]+/g) ?? [];
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg', 'http://www.w3.org/1999/xlink']));
  });

  it('has every section of the issue, in order, each with its heading', () => {
    const positions = SECTION_IDS.map((id) => report.html.indexOf(`<section id="${id}">`));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    for (const id of SECTION_IDS) expect(section(report.html, id)).toMatch(/<h2[^>]*>[^<]+<\/h2>/);
  });

  it('states the run: cutoff, look, plan and code version, data hash, run id', () => {
    const head = report.html.slice(0, report.html.indexOf('<section'));
    for (const text of [input.meta.cutoff, `Look ${input.meta.look}`, input.meta.planVersion, input.meta.codeVersion, input.meta.dataHash, input.meta.runId]) {
      expect(head).toContain(text);
    }
    expect(report.tables.meta.rows).toContainEqual(['dataHash', input.meta.dataHash]);
  });

  it('draws 16 curves (KM for OS and PFS, CIF for LRR and DP, 4 populations), the forest plot and the z paths', () => {
    expect(svgsOf(section(report.html, 'survival'))).toHaveLength(16);
    expect(svgsOf(section(report.html, 'forest'))).toHaveLength(1);
    expect(svgsOf(section(report.html, 'monitoring'))).toHaveLength(1);
    for (const svg of svgsOf(report.html)) expect(svg).toMatch(/^<svg[^>]* role="img" aria-label="[^"]+"><title>/);
    const zTexts = svgTexts(svgsOf(section(report.html, 'monitoring'))[0]);
    for (const panel of ['Group 1 · OS', 'Group 1 · PFS', 'Group 2 · OS', 'Group 2 · PFS', 'Group 3 · OS', 'Group 3 · PFS']) expect(zTexts).toContain(panel);
  });

  it('prints hazard ratios, CIs and p values as documented', () => {
    const forest = section(report.html, 'forest');
    const g1pfs = input.forest.find((f) => f.population === 'group1' && f.endpoint === 'pfs');
    if (g1pfs === undefined) throw new Error('fixture lacks group 1 PFS');
    expect(forest).toContain(`${g1pfs.hr.toFixed(2)} (${g1pfs.naive.lower.toFixed(2)}\u2013${g1pfs.naive.upper.toFixed(2)})`);
    expect(forest).toContain('0.64 (0.50\u20130.82)'); // the paper's PFS HR, overall
    const models = section(report.html, 'models');
    const pCells = [...models.matchAll(/<td class="num(?: sig)?">([^<]*)<\/td>/g)].map((m) => m[1]).filter((t) => /^[<>]?[01]\.\d+$/.test(t));
    expect(pCells.length).toBeGreaterThan(100);
    for (const p of pCells) expect(p).toMatch(/^(<0\.001|>0\.999|0\.\d{3}|\d+\.\d{1,2})$/);
    expect(models.match(/Replication of the paper/g)).toHaveLength(16);
    expect(models.match(/Monitoring model \(pre-specified/g)).toHaveLength(16);
    expect(models).toContain('Clinical T category (T3/4 vs T1/2)');
  });

  it('lists the alerts of this look with their evidence, and the naive signals as non-alerting', () => {
    const alerts = section(report.html, 'alerts');
    expect(alerts.match(/<article class="alert/g)).toHaveLength(input.alerts.length);
    expect(alerts).toContain('reached the spending boundary');
    expect(alerts).toContain('Effect alerts are held while: covariate imbalance after weighting');
    expect(alerts).toContain('a 95% CI newly excluding 1 is not an alert');
    expect(report.tables.alerts.rows).toHaveLength(input.alerts.length);
  });

  it('exports every table as CSV and JSON with the same rows', () => {
    expect(Object.keys(report.tables).sort()).toEqual(
      [
        'alerts', 'baseline-arms', 'baseline-categorical', 'baseline-continuous', 'boundary-tables', 'curve-tests', 'curves', 'dq-centres', 'dq-conflicting-events',
        'dq-missing-covariates', 'dq-overdue', 'dq-rejected-events', 'flow-endpoint-events', 'flow-events', 'flow-patients',
        'follow-up', 'forest', 'landmarks', 'meta', 'models', 'risk-tables', 'sensitivity', 'z-paths',
      ].sort(),
    );
    for (const [key, table] of Object.entries(report.tables)) {
      const lines = tableToCsv(table).trimEnd().split('\r\n');
      expect(lines[0], key).toBe(table.columns.map((c) => c.name).join(','));
      expect(tableToJson(table).rows, key).toHaveLength(table.rows.length);
    }
    expect(report.tables.models.rows.length).toBe(input.models.reduce((n, m) => n + m.rows.length, 0));
  });

  it('renders the same bytes twice', async () => {
    const again = (await renderReport(input)).html;
    expect(again === report.html, 'the second render differs').toBe(true);
  });
});

describe('small cells', () => {
  const base = buildFixture({ seed: 11 }).input;
  const input: ReportInput = {
    ...base,
    flow: { ...base.flow, newRegistrations: 7, removedPatients: 3 },
    dataQuality: { ...base.dataQuality, overdueFollowUp: { ...base.dataQuality.overdueFollowUp, patients: 4 } },
  };
  let report: RenderedReport;
  beforeAll(async () => {
    report = await renderReport(input);
  });

  it('never exports a count from 1 to 10', () => {
    for (const [key, table] of Object.entries(report.tables)) {
      table.columns.forEach((column, i) => {
        if (column.type !== 'count') return;
        for (const row of table.rows) {
          const cell = row[i];
          expect(typeof cell === 'number' && cell >= 1 && cell <= 10, `${key}.${column.name} = ${String(cell)}`).toBe(false);
        }
      });
    }
    expect(report.tables['flow-patients'].rows).toContainEqual(['newRegistrations', '<11']);
  });

  it('prints "<11" for small counts in tables, sentences and numbers at risk', () => {
    const flow = section(report.html, 'flow');
    expect(flow).toMatch(/Registrations newly counted<\/th><td class="num">&lt;11<\/td>/);
    expect(flow).toMatch(/Patients removed \(registration retracted\)<\/th><td class="num">&lt;11<\/td>/);
    expect(section(report.html, 'data-quality')).toContain('Overdue follow-up: &lt;11 of');
    for (const svg of svgsOf(section(report.html, 'survival'))) {
      const small = svgTexts(svg).filter((t) => /^([1-9]|10)$/.test(t));
      expect(small).toEqual([]);
    }
    expect(section(report.html, 'survival')).toContain('&lt;11');
  });

  it('stops each curve where fewer than 11 remain at risk', () => {
    const curves = report.tables.curves;
    for (const set of [...input.survival, ...input.incidence]) {
      for (const arm of set.arms) {
        const cut = arm.points.find((p) => p.nRisk < 11)?.time ?? Infinity;
        const drawn = curves.rows.filter((r) => r[0] === set.population && r[1] === set.endpoint && r[3] === arm.arm).map((r) => Number(r[4]));
        expect(Math.max(...drawn, 0)).toBeLessThanOrEqual(cut);
      }
    }
  });

  it('follows the configured threshold', async () => {
    const lenient = await renderReport({ ...withoutCurves(input), privacy: { smallCellMin: 5 } });
    // Removed (< 5) would follow from previous + new − current: the smallest other count is hidden too.
    expect(section(lenient.html, 'flow')).toMatch(/Registrations newly counted<\/th><td class="num">\u22655<\/td>/);
    expect(section(lenient.html, 'flow')).toMatch(/Patients removed \(registration retracted\)<\/th><td class="num">&lt;5<\/td>/);
  });
});

describe('hostile free text', () => {
  const { input, patientIds } = buildFixture({ seed: 3, hostile: true });
  let report: RenderedReport;
  beforeAll(async () => {
    report = await renderReport(input);
  });

  it('escapes markup and never lets a tag or script through', () => {
    expect(report.html).not.toContain(HOSTILE_TITLE);
    expect(report.html).not.toMatch(/<script|<img|<b>/i);
    expect(report.html).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;');
    expect(report.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('shows no patient id, in the HTML or in any exported table', () => {
    const everything = `${report.html}\n${exportedText(report)}`;
    expect(patientIds.length).toBeGreaterThan(400);
    const leaked = patientIds.filter((id) => everything.includes(id));
    expect(leaked).toEqual([]);
    expect(everything).not.toMatch(/CW-\d{2}-\d{5}/);
    expect(report.html).toContain('[redacted]');
  });

  it('neutralises formulas in the CSV of centre labels', () => {
    expect(tableToCsv(report.tables['dq-centres'])).toContain(`"'=HYPERLINK(""http://x"")"`);
  });
});

describe('a first look with nothing fitted yet', () => {
  it('renders every section with a plain statement instead of empty charts', async () => {
    const { input } = buildFixture({ seed: 2, look: 1 });
    const empty: ReportInput = { ...input, survival: [], incidence: [], models: [], forest: [], zPaths: [], sensitivity: [], alerts: [], baseline: [], followUp: [] };
    const report = await renderReport(empty);
    for (const id of SECTION_IDS) expect(report.html).toContain(`<section id="${id}">`);
    expect(svgsOf(report.html)).toEqual([]);
    expect(report.html).toContain('No alert at this look.');
    expect(report.html).toContain('No model was fitted at this look.');
    expect(report.html).toContain('No primary estimand has been looked at yet.');
    expect(report.html).toContain('patients (first look)');
    expect(report.tables.models.rows).toEqual([]);
  });
});

describe('bad input', () => {
  const { input } = buildFixture({ seed: 5, look: 2 });

  it('rejects a run identifier of the wrong shape with one line', async () => {
    const bad = { ...input, meta: { ...input.meta, planVersion: 'v1 <script>' } };
    await expect(renderReport(bad)).rejects.toThrow(new ReportInputError('plan version "v1 <script>" is not 1-64 of A-Z a-z 0-9 . _ + -'));
  });

  it('rejects a category the report does not know', async () => {
    const table = input.baseline[0];
    const row = table.rows[1];
    if (row.kind !== 'categorical') throw new Error('fixture: row 1 should be categorical');
    const badRow = { ...row, levels: [{ level: 'T9' as 'T1/2', count: { ptr: 1, port: 2 } }] };
    const bad = { ...input, baseline: [{ ...table, rows: [badRow] }] };
    await expect(renderReport(bad)).rejects.toThrow('unknown level of tCategory "T9"');
  });

  it('rejects a negative count and a bad threshold', async () => {
    await expect(renderReport({ ...input, flow: { ...input.flow, newRegistrations: -2 } })).rejects.toThrow(ReportInputError);
    await expect(renderReport({ ...input, privacy: { smallCellMin: 0 } })).rejects.toThrow('smallCellMin must be an integer from 1 to 1000, got 0');
  });
});

describe('unbounded intervals', () => {
  it('renders a repeated CI without an upper bound (an early look) in the plot, the tables and the exports', async () => {
    const { input } = buildFixture({ seed: 13, look: 1 });
    const forest = input.forest.map((f) => (f.repeated === null ? f : { ...f, repeated: { lower: 0.02, upper: Infinity } }));
    const report = await renderReport({ ...withoutCurves(input), forest });
    expect(section(report.html, 'forest')).toContain('0.02\u2013\u221e');
    const upper = report.tables.forest.columns.findIndex((c) => c.name === 'repeatedUpper');
    expect(report.tables.forest.rows.filter((r) => r[upper] === null)).toHaveLength(input.forest.length);
    expect(JSON.stringify(report.tables.forest)).not.toContain('Infinity');
  });
});

describe('complementary suppression in Table 1', () => {
  it('hides the partner of a lone small cell, so that it cannot be recovered from the arm total', async () => {
    const { input } = buildFixture({ seed: 17 });
    const table = input.baseline[0];
    const t: ReportInput['baseline'][number] = {
      ...table,
      n: { ptr: 40, port: 60 },
      rows: [
        {
          kind: 'categorical',
          covariate: 'metastaticBurden',
          levels: [
            { level: 'single', count: { ptr: 7, port: 20 } },
            { level: 'oligo', count: { ptr: 12, port: 20 } },
            { level: 'disseminated', count: { ptr: 21, port: 20 } },
          ],
          missing: { ptr: 0, port: 0 },
          smd: 0.3,
          smdWeighted: 0.05,
        },
      ],
    };
    const report = await renderReport({ ...withoutCurves(input), baseline: [t] });
    const html = section(report.html, 'baseline');
    expect(html).toMatch(/Single<\/th><td class="num">&lt;11<\/td><td class="num">20 \(33\.3\)<\/td>/);
    expect(html).toMatch(/Oligometastatic<\/th><td class="num">≥11<\/td><td class="num">20 \(33\.3\)<\/td>/);
    expect(html).toMatch(/Disseminated<\/th><td class="num">21 \(52\.5\)<\/td>/);
    const rows = report.tables['baseline-categorical'].rows.filter((r) => r[1] === 'metastaticBurden');
    expect(rows.map((r) => [r[2], r[3], r[4]])).toEqual([
      ['single', '<11', 20],
      ['oligo', '>=11', 20],
      ['disseminated', 21, 20],
      ['missing', 0, 0],
    ]);
  });
});
