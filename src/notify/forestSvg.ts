import type { ForestRow } from '../reports/reportInput.ts';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const LABEL: Readonly<Record<string, string>> = { all: 'All', group1: 'Group 1', group2: 'Group 2', group3: 'Group 3' };

/**
 * A compact forest plot for mail clients (static SVG, no fonts or scripts): PORT HR per estimand on a
 * log axis, naive 95% CI as a thin line, repeated CI as a thick translucent bar, HR 1 dashed.
 */
export function forestSvgForMail(rows: readonly ForestRow[], _smallCellMin: number): Promise<string> {
  const lo = 0.1;
  const hi = 10;
  const left = 150;
  const width = 360;
  const rowH = 18;
  const height = rows.length * rowH + 40;
  const x = (hr: number) => left + ((Math.log(Math.min(hi, Math.max(lo, hr))) - Math.log(lo)) / (Math.log(hi) - Math.log(lo))) * width;
  const parts: string[] = [];
  rows.forEach((r, k) => {
    const y = 20 + k * rowH;
    parts.push(`<text x="4" y="${y + 4}" font-size="11">${esc(`${LABEL[r.population] ?? r.population} ${r.endpoint.toUpperCase()}${r.primary ? ' *' : ''}`)}</text>`);
    if (r.repeated) parts.push(`<line x1="${x(r.repeated.lower).toFixed(1)}" x2="${x(r.repeated.upper).toFixed(1)}" y1="${y}" y2="${y}" stroke="#0072B2" stroke-opacity="0.35" stroke-width="7"/>`);
    parts.push(`<line x1="${x(r.naive.lower).toFixed(1)}" x2="${x(r.naive.upper).toFixed(1)}" y1="${y}" y2="${y}" stroke="#222" stroke-width="1.2"/>`);
    parts.push(`<rect x="${(x(r.hr) - 3).toFixed(1)}" y="${y - 3}" width="6" height="6" fill="#D55E00"/>`);
  });
  const axisY = 20 + rows.length * rowH;
  const ticks = [0.1, 0.25, 0.5, 1, 2, 4, 10].map((t) => `<line x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${axisY - 4}" y2="${axisY}" stroke="#555"/><text x="${x(t).toFixed(1)}" y="${axisY + 12}" font-size="10" text-anchor="middle">${t}</text>`);
  return Promise.resolve(`<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 20}" height="${height}" role="img" aria-label="Forest plot of PORT hazard ratios">`
    + `<line x1="${x(1).toFixed(1)}" x2="${x(1).toFixed(1)}" y1="8" y2="${axisY}" stroke="#888" stroke-dasharray="3,3"/>`
    + `<line x1="${left}" x2="${left + width}" y1="${axisY}" y2="${axisY}" stroke="#555"/>${ticks.join('')}${parts.join('')}`
    + `<text x="${left + width / 2}" y="${height - 2}" font-size="10" text-anchor="middle">PORT hazard ratio (log scale); bar: repeated CI; * primary</text></svg>`);
}
