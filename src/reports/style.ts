// The report's stylesheet: inline in the HTML (self-contained), for screen and A4 print.
// Tables follow the "booktabs" convention (horizontal rules only), numbers in tabular figures.
export const REPORT_CSS = `
:root {
  --ink: #1a1a1a; --muted: #5f6368; --rule: #c9ccd1; --faint: #f4f6f8;
  --port: #0072B2; --ptr: #D55E00; --flag: #fff1c2; --flag-ink: #7a4b00; --alert: #CC3311; --ok: #009E73;
}
* { box-sizing: border-box; }
html { font-size: 10.5pt; }
body { margin: 0; color: var(--ink); background: #fff;
  font-family: "Liberation Sans", "Helvetica Neue", Helvetica, Arial, sans-serif; line-height: 1.42; }
main { max-width: 1120px; margin: 0 auto; padding: 28px 36px 48px; }
h1 { font-size: 1.75rem; margin: 0 0 .2rem; font-weight: 700; letter-spacing: -.01em; }
h2 { font-size: 1.3rem; margin: 2.2rem 0 .7rem; padding-bottom: .25rem; border-bottom: 2px solid var(--ink); }
h3 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
p { margin: .4rem 0; }
.subtitle { color: var(--muted); font-size: 1.05rem; margin: 0 0 1rem; }
.muted { color: var(--muted); }
.lead { font-size: 1.02rem; }
.confidential { display: inline-block; font-size: .8rem; letter-spacing: .04em; text-transform: uppercase;
  color: var(--muted); border: 1px solid var(--rule); border-radius: 3px; padding: 1px 6px; }
dl.meta { display: grid; grid-template-columns: max-content 1fr max-content 1fr; gap: .2rem 1rem; margin: 1rem 0;
  padding: .7rem 1rem; background: var(--faint); border-radius: 4px; font-size: .92rem; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; }
.mono { font-family: "Liberation Mono", "DejaVu Sans Mono", monospace; font-size: .85rem; word-break: break-all; }
.glance { display: grid; grid-template-columns: repeat(4, 1fr); gap: .8rem; margin: 1rem 0 .5rem; }
.glance div { border: 1px solid var(--rule); border-radius: 4px; padding: .55rem .8rem; }
.glance .value { display: block; font-size: 1.45rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.glance .label { color: var(--muted); font-size: .85rem; }
.glance .alerting { border-color: var(--alert); }
.glance .alerting .value { color: var(--alert); }
nav.toc ol { columns: 2; margin: .3rem 0 0; padding-left: 1.3rem; }
nav.toc a { color: var(--port); text-decoration: none; }
.grid-2 { display: grid; grid-template-columns: 1fr 1fr; gap: 0 1.6rem; align-items: start; }
.table-wrap { margin: .6rem 0 1.1rem; overflow-x: auto; }
table.data { border-collapse: collapse; width: 100%; font-size: .9rem; font-variant-numeric: tabular-nums;
  border-top: 1.5px solid var(--ink); border-bottom: 1.5px solid var(--ink); }
table.data.table1 { width: auto; min-width: 62%; }
table.data.table1 td.num { padding-left: 1.6rem; }
table.data caption { caption-side: top; text-align: left; font-weight: 700; padding: 0 0 .35rem; font-size: .92rem; }
table.data thead th { border-bottom: 1px solid var(--ink); font-weight: 700; vertical-align: bottom; }
table.data th, table.data td { padding: .22rem .5rem; text-align: left; }
table.data tbody th { font-weight: normal; }
table.data .num { text-align: right; white-space: nowrap; }
table.data thead tr:first-child th[colspan] { border-bottom: 1px solid var(--rule); text-align: center; }
table.data tr.group th { font-weight: 700; padding-top: .45rem; }
table.data tr.indent th { padding-left: 1.5rem; }
table.data tr.total th, table.data tr.total td { border-top: 1px solid var(--rule); font-weight: 700; }
table.data tr.group-start th, table.data tr.group-start td { border-top: 1px solid var(--rule); }
table.data tr.highlight th, table.data tr.highlight td { background: #eaf3fa; }
table.data td.flag { background: var(--flag); color: var(--flag-ink); font-weight: 700; }
table.data td.sig { font-weight: 700; }
.table-notes { font-size: .8rem; color: var(--muted); margin-top: .3rem; }
.table-notes p { margin: .1rem 0; }
figure.chart { margin: .6rem 0 1.2rem; break-inside: avoid; page-break-inside: avoid; }
.fig-title { font-weight: 700; font-size: .92rem; margin: 0 0 .2rem; }
figure.chart svg { display: block; max-width: 100%; height: auto; }
figure.chart figcaption { font-size: .8rem; color: var(--muted); margin-top: .3rem; max-width: 60em; }
article.alert { border: 1px solid var(--rule); border-left: 5px solid var(--alert); border-radius: 3px;
  padding: .5rem .8rem; margin: .5rem 0; break-inside: avoid; }
article.alert-validity { border-left-color: #E69F00; }
article.alert-drift { border-left-color: #CC79A7; }
article.alert header { display: flex; gap: .6rem; align-items: baseline; flex-wrap: wrap; }
article.alert .badge { font-size: .78rem; font-weight: 700; text-transform: uppercase; letter-spacing: .03em; color: var(--alert); }
article.alert-validity .badge { color: #8a5a00; }
article.alert .alert-id { margin-left: auto; color: var(--muted); font-size: .75rem; font-family: "Liberation Mono", monospace; }
.about { font-size: .88rem; }
.about dt { font-weight: 700; margin-top: .4rem; }
.about dd { margin: 0 0 0 1rem; }
footer.colophon { margin-top: 2.5rem; color: var(--muted); font-size: .8rem; border-top: 1px solid var(--rule); padding-top: .5rem; }
@media screen and (max-width: 820px) { .grid-2, .glance { grid-template-columns: 1fr; } dl.meta { grid-template-columns: max-content 1fr; } }
dl.meta dd.span { grid-column: 2 / -1; }
@page { size: A4; margin: 14mm 12mm 16mm; }
@media print {
  html { font-size: 9pt; }
  main { max-width: none; padding: 0; }
  nav.toc { display: none; }
  h2 { break-before: page; page-break-before: always; }
  h2.first { break-before: auto; page-break-before: auto; }
  h2, h3, caption { break-after: avoid; page-break-after: avoid; }
  table.data tr, .glance, dl.meta { break-inside: avoid; page-break-inside: avoid; }
  .table-wrap { overflow: visible; }
  a { color: inherit; text-decoration: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;
