// Safe-by-default HTML: every value interpolated into `html\`...\`` is escaped unless it is already
// SafeHtml (a fragment built the same way, or an SVG from the report's renderer). There is no other
// way to put text into a page, so a hostile rejection reason or email is text, never markup.
import { escapeHtml } from '../../reports/escape.ts';

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Interpolation = SafeHtml | string | number | boolean | null | undefined | readonly Interpolation[];

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return (value as readonly Interpolation[]).map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0];
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1];
  });
  return new SafeHtml(out);
}

/**
 * An SVG produced by the report's chart renderer (vega, from our own numbers and labels, which it
 * escapes) is markup we trust; nothing else may be passed here.
 */
export function rendererSvg(svg: string): SafeHtml {
  return new SafeHtml(svg);
}
