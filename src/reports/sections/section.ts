// What each section of the report contributes: its HTML and its machine-readable tables.
import type { TableData } from '../tableData.ts';
import { escapeHtml } from '../escape.ts';

export interface Section {
  /** Anchor id, also the table of contents entry. */
  readonly id: string;
  readonly title: string;
  readonly html: string;
  /** Exported tables, keyed by file stem (`tables/<key>.csv`). */
  readonly tables: Readonly<Record<string, TableData>>;
}

/**
 * A figure: an inline SVG produced by vega (its text already escaped by vega), a title and a
 * caption we escape.
 */
export function figure(svg: string, caption: string, options: { title?: string; className?: string } = {}): string {
  const cls = options.className === undefined ? 'chart' : `chart ${escapeHtml(options.className)}`;
  const title = options.title === undefined ? '' : `<div class="fig-title">${escapeHtml(options.title)}</div>`;
  return `<figure class="${cls}">${title}${svg}<figcaption>${escapeHtml(caption)}</figcaption></figure>`;
}

export function paragraph(text: string, className = ''): string {
  return className === '' ? `<p>${escapeHtml(text)}</p>` : `<p class="${escapeHtml(className)}">${escapeHtml(text)}</p>`;
}

export function heading(level: 2 | 3 | 4, text: string, id?: string): string {
  const anchor = id === undefined ? '' : ` id="${escapeHtml(id)}"`;
  return `<h${level}${anchor}>${escapeHtml(text)}</h${level}>`;
}
