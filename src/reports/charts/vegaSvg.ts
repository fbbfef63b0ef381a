// vega-lite spec → standalone SVG string, rendered in Node without a browser (vega's headless
// scenegraph: `renderer: 'none'` + `view.toSVG()`). Specs carry inline data only: nothing is loaded.
import { parse, View } from 'vega';
import { compile, type Config, type TopLevelSpec } from 'vega-lite';
import { escapeHtml } from '../escape.ts';

export const FONT = 'Liberation Sans, Helvetica, Arial, sans-serif';

/** Okabe & Ito (2008) colour-blind-safe palette: PTR alone orange, PORT blue; vermillion for boundaries. */
export const COLOURS = {
  ptr: '#D55E00',
  port: '#0072B2',
  boundary: '#CC3311',
  neutral: '#4D4D4D',
  published: '#009E73',
  band: '#56B4E9',
} as const;

const THEME: Config = {
  font: FONT,
  background: 'white',
  padding: 6,
  view: { stroke: null },
  axis: {
    labelFontSize: 11,
    titleFontSize: 11,
    titleFontWeight: 'normal',
    titleColor: '#222',
    labelColor: '#333',
    domainColor: '#777',
    tickColor: '#777',
    gridColor: '#e6e6e6',
    // Text is measured without a canvas in Node, which overestimates label widths and would thin
    // out tick labels; every axis here lists its tick values explicitly and they fit.
    labelOverlap: false,
  },
  legend: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 'normal', symbolStrokeWidth: 2 },
  header: { labelFontSize: 12, labelFontWeight: 'bold', titleFontSize: 12 },
  title: { fontSize: 13, fontWeight: 'bold', anchor: 'start', color: '#111' },
};

/**
 * Renders a vega-lite spec to SVG in the report's theme (which replaces any `config` of the spec). Ids inside the SVG (clip paths) are prefixed with `idPrefix`
 * and a hash of the SVG, so that several charts inlined in one HTML page never resolve each
 * other's `url(#clip1)`, and the same input still gives the same bytes.
 */
export async function renderVegaLite(spec: TopLevelSpec, idPrefix: string): Promise<string> {
  const { spec: vegaSpec } = compile({ ...spec, config: THEME });
  const view = new View(parse(vegaSpec), { renderer: 'none' });
  try {
    const svg = uniquifySvgIds(await view.toSVG(), 'id');
    return withAccessibleName(uniquifySvgIds(svg, `${idPrefix}${fnv1a(svg)}`), spec.description);
  } finally {
    view.finalize();
  }
}

/**
 * Renames every id of the SVG (and its references) to `<prefix>-<n>` in order of appearance. vega
 * numbers clip paths with a process-wide counter, so without this the same chart would come out
 * with different ids on every render.
 */
export function uniquifySvgIds(svg: string, prefix: string): string {
  const safe = prefix.replace(/[^A-Za-z0-9_-]/g, '');
  const renamed = new Map<string, string>();
  for (const match of svg.matchAll(/\sid="([^"]+)"/g)) {
    if (!renamed.has(match[1])) renamed.set(match[1], `${safe}-${renamed.size + 1}`);
  }
  const rename = (id: string) => renamed.get(id) ?? id;
  return svg
    .replace(/\sid="([^"]+)"/g, (_m, id: string) => ` id="${rename(id)}"`)
    .replace(/url\(#([^)]+)\)/g, (_m, id: string) => `url(#${rename(id)})`)
    .replace(/href="#([^"]+)"/g, (_m, id: string) => `href="#${rename(id)}"`);
}

/** Screen readers announce the chart by its description: role="img", aria-label and a <title>. */
function withAccessibleName(svg: string, description: string | undefined): string {
  if (description === undefined || description === '') return svg;
  const name = escapeHtml(description);
  return svg.replace(/^<svg\b([^>]*)>/, `<svg$1 role="img" aria-label="${name}"><title>${name}</title>`);
}

/** 32-bit FNV-1a, hex: a short content tag, not a security hash. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
