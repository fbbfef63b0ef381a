// Presentation tables: a caption, header rows (with spans) and body rows of escaped text cells.
// Numbers are right-aligned in tabular figures; the first column is the label column.
import { escapeHtml } from './escape.ts';

export interface HtmlCell {
  readonly text: string;
  /** Right-aligned, tabular figures. */
  readonly numeric?: boolean;
  readonly colspan?: number;
  readonly rowspan?: number;
  /** Extra CSS classes (from the report's own stylesheet). */
  readonly className?: string;
  /** Plain-text tooltip. */
  readonly title?: string;
}

export type HtmlRow = readonly (HtmlCell | string)[] | { readonly cells: readonly (HtmlCell | string)[]; readonly className: string };

export interface HtmlTableSpec {
  readonly caption: string;
  readonly head: readonly (readonly (HtmlCell | string)[])[];
  readonly body: readonly HtmlRow[];
  /** Footnotes printed under the table. */
  readonly notes?: readonly string[];
  readonly className?: string;
}

function cellHtml(tag: 'th' | 'td', cell: HtmlCell | string, scope: string): string {
  const c: HtmlCell = typeof cell === 'string' ? { text: cell } : cell;
  const classes = [c.numeric === true ? 'num' : '', c.className ?? ''].filter((x) => x !== '').join(' ');
  const attrs = [
    classes === '' ? '' : ` class="${escapeHtml(classes)}"`,
    c.colspan !== undefined && c.colspan > 1 ? ` colspan="${c.colspan}"` : '',
    c.rowspan !== undefined && c.rowspan > 1 ? ` rowspan="${c.rowspan}"` : '',
    c.title === undefined ? '' : ` title="${escapeHtml(c.title)}"`,
    scope,
  ].join('');
  return `<${tag}${attrs}>${escapeHtml(c.text)}</${tag}>`;
}

function rowHtml(row: HtmlRow): string {
  const { cells, className } = 'cells' in row ? row : { cells: row, className: '' };
  const cls = className === '' ? '' : ` class="${escapeHtml(className)}"`;
  return `<tr${cls}>${cells.map((cell, i) => (i === 0 ? cellHtml('th', cell, ' scope="row"') : cellHtml('td', cell, ''))).join('')}</tr>`;
}

export function htmlTable(spec: HtmlTableSpec): string {
  const cls = spec.className === undefined ? '' : ` ${escapeHtml(spec.className)}`;
  const head = spec.head.map((row) => `<tr>${row.map((cell) => cellHtml('th', cell, ' scope="col"')).join('')}</tr>`).join('');
  const body = spec.body.map(rowHtml).join('\n');
  const notes = spec.notes === undefined || spec.notes.length === 0 ? '' : `<div class="table-notes">${spec.notes.map((n) => `<p>${escapeHtml(n)}</p>`).join('')}</div>`;
  return `<div class="table-wrap"><table class="data${cls}"><caption>${escapeHtml(spec.caption)}</caption><thead>${head}</thead><tbody>${body}</tbody></table>${notes}</div>`;
}

/** A numeric cell. */
export function num(text: string, className?: string): HtmlCell {
  return className === undefined ? { text, numeric: true } : { text, numeric: true, className };
}
