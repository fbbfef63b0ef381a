// HTML escaping for text and attribute values. Every string that reaches the HTML goes through
// `escapeHtml` (or is an SVG produced by vega from data we escaped); there is no raw-text path.
const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ENTITIES[c] ?? c);
}
