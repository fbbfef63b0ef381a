// The written report in a real browser: Debian chromium through playwright-core, fresh profile,
// no network. Fails with a clear message when chromium is missing (CI installs it).
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, DEFAULT_CHROMIUM_PATH, chromiumAvailable, writeReport, type WrittenReport } from '../../src/jobs/report/index.ts';
import { renderReport, tableFromCsv, tableFromJson, type RenderedReport, type TableJson } from '../../src/reports/index.ts';
import { buildFixture } from './fixture.ts';

interface PixelStats {
  readonly distinctColours: number;
  readonly nonWhiteShare: number;
}

// Browser-side code is passed as source text: the project compiles without the DOM library.
const PIXEL_STATS_SOURCE = `async (base64) => {
  const image = new Image();
  image.src = 'data:image/png;base64,' + base64;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = image.naturalWidth;
  canvas.height = image.naturalHeight;
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
  const colours = new Set();
  let nonWhite = 0;
  for (let i = 0; i < data.length; i += 4) {
    colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    if (data[i] < 245 || data[i + 1] < 245 || data[i + 2] < 245) nonWhite += 1;
  }
  return { distinctColours: colours.size, nonWhiteShare: nonWhite / (data.length / 4) };
}`;

const CHARTS_SOURCE = `() => [...document.querySelectorAll('figure.chart svg')].map((svg) => {
  const box = svg.getBoundingClientRect();
  const marks = [...svg.querySelectorAll('.role-mark path, .role-mark line')].filter((m) => {
    const b = m.getBBox();
    return b.width > 0 || b.height > 0;
  });
  return { width: box.width, height: box.height, marks: marks.length };
})`;

function isRecordOfNumbers<K extends string>(value: unknown, keys: readonly K[]): value is Record<K, number> {
  return typeof value === 'object' && value !== null && keys.every((k) => typeof (value as Record<string, unknown>)[k] === 'number');
}

/** Decodes a PNG in the browser (canvas) and counts its distinct colours and non-white pixels. */
async function pixelStats(page: Page, png: Buffer): Promise<PixelStats> {
  const stats: unknown = await page.evaluate(`(${PIXEL_STATS_SOURCE})(${JSON.stringify(png.toString('base64'))})`);
  if (!isRecordOfNumbers(stats, ['distinctColours', 'nonWhiteShare'])) throw new Error('pixel statistics: unexpected result from the page');
  return stats;
}

describe('the written report in headless chromium', () => {
  let dir = '';
  let profile = '';
  let rendered: RenderedReport;
  let written: WrittenReport;
  let context: BrowserContext | undefined;
  let page: Page;
  const consoleErrors: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    if (!(await chromiumAvailable())) {
      throw new Error(`Debian chromium is required at ${DEFAULT_CHROMIUM_PATH} for the report's browser tests (apt-get install chromium)`);
    }
    dir = await mkdtemp(join(tmpdir(), 'cw-report-'));
    profile = await mkdtemp(join(tmpdir(), 'cw-report-profile-'));
    rendered = await renderReport(buildFixture({ seed: 23, look: 3 }).input);
    written = await writeReport(dir, rendered, { pdf: true });
    context = await chromium.launchPersistentContext(profile, {
      executablePath: DEFAULT_CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_ARGS],
      viewport: { width: 1200, height: 900 },
    });
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') consoleErrors.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(join(dir, 'report.html')).href, { waitUntil: 'load' });
  });

  afterAll(async () => {
    await context?.close();
    if (dir !== '') await rm(dir, { recursive: true, force: true });
    if (profile !== '') await rm(profile, { recursive: true, force: true });
  });

  it('writes report.html, a CSV and a JSON per table, and a PDF', async () => {
    const tables = Object.keys(rendered.tables);
    expect((await readdir(join(dir, 'tables'))).sort()).toEqual(tables.flatMap((k) => [`${k}.csv`, `${k}.json`]).sort());
    expect(written.pdf).toEqual({ written: true, path: join(dir, 'report.pdf') });
    const pdf = await readFile(join(dir, 'report.pdf'));
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(50_000);
    expect(written.files).toContain('report.pdf');
  });

  it('round-trips every table through its CSV and JSON files', async () => {
    for (const [key, table] of Object.entries(rendered.tables)) {
      const json = JSON.parse(await readFile(join(dir, 'tables', `${key}.json`), 'utf8')) as TableJson;
      expect(tableFromJson(json), key).toEqual(table);
      const csv = await readFile(join(dir, 'tables', `${key}.csv`), 'utf8');
      expect(tableFromCsv(csv, json.title, json.columns), key).toEqual(table);
    }
  });

  it('opens with no console error and loads nothing but itself', () => {
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([pathToFileURL(join(dir, 'report.html')).href]);
  });

  it('shows every chart, each with drawn marks', async () => {
    const charts: unknown = await page.evaluate(`(${CHARTS_SOURCE})()`);
    if (!Array.isArray(charts) || !charts.every((c) => isRecordOfNumbers(c, ['width', 'height', 'marks']))) throw new Error('charts: unexpected result from the page');
    expect(charts).toHaveLength(18); // 8 KM + 8 CIF + forest + z paths
    for (const chart of charts) {
      expect(chart.width).toBeGreaterThan(200);
      expect(chart.height).toBeGreaterThan(150);
      expect(chart.marks).toBeGreaterThan(2);
    }
  });

  it('is not blank on screen: the forest plot and a KM figure have ink and colour', async () => {
    const forest = await page.locator('#forest figure.chart').screenshot();
    const km = await page.locator('#survival figure.chart').first().screenshot();
    const top = await page.screenshot();
    for (const png of [forest, km, top]) {
      const stats = await pixelStats(page, png);
      expect(stats.distinctColours).toBeGreaterThan(30);
      expect(stats.nonWhiteShare).toBeGreaterThan(0.03);
    }
  });
});
