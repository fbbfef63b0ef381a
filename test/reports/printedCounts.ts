// Every count a look prints, under one name per quantity, and the linear relations between them:
// the report's tables (as exported beside the HTML, which prints the same cells), the look's mail
// digests and the demo summary CSV. The same quantity printed in several places gets one name (events
// of an estimand in the flow table, the models, the forest, the alerts, the z-path table, the digest and
// the demo summary); totals are the sums of their parts across tables (arm sizes and the patients of a
// population; Table 1's missing counts and the data-quality table; populations and the unclassified).
// A quantity no output prints (the unclassified patients' counts) is an unknown at least 0.
import { parse } from 'csv-parse/sync';
import type { RenderedReport } from '../../src/reports/renderReport.ts';
import type { Cell } from '../../src/reports/tableData.ts';
import { parsePrinted } from '../support/disclosureAudit.ts';
import type { Printed, Relation } from '../support/disclosureAudit.ts';

export interface Printing {
  readonly name: string;
  readonly value: Printed;
  readonly where: string;
}

type Row = Record<string, Cell>;
const GROUPS = ['group1', 'group2', 'group3'] as const;
const ARMS = ['ptr', 'port'] as const;

function rowsOf(report: RenderedReport, key: string): Row[] {
  const table = report.tables[key];
  if (table === undefined) throw new Error(`no table ${key}`);
  const names = table.columns.map((c) => c.name);
  return table.rows.map((row) => Object.fromEntries(names.map((n, i) => [n, row[i]])));
}

/** The counts of a rendered report (nothing computed here: only what its tables print). */
export function reportPrintings(report: RenderedReport, k: number): Printing[] {
  const out: Printing[] = [];
  const put = (name: string, value: Cell | undefined, where: string) => {
    if (value === null || value === undefined) return;
    out.push({ name, value: parsePrinted(value, k), where });
  };
  const flowNames: Record<string, string> = { previous: 'patients.prev', newRegistrations: 'patients.new', removed: 'patients.removed', current: 'patients.cur', group1: 'patients.group1', group2: 'patients.group2', group3: 'patients.group3', unclassified: 'patients.unclassified' };
  for (const r of rowsOf(report, 'flow-patients')) put(flowNames[String(r.measure)], r.patients, `flow-patients ${String(r.measure)}`);
  for (const r of rowsOf(report, 'flow-events')) for (const c of ['received', 'applied', 'rejected', 'conflicting', 'retracted']) put(`flow.${String(r.type)}.${c}`, r[c], `flow-events ${String(r.type)} ${c}`);
  for (const r of rowsOf(report, 'flow-endpoint-events')) {
    const e = `${String(r.population)}.${String(r.endpoint)}`;
    put(`events.${e}`, r.current, `flow-endpoint-events ${e} current`);
    put(`events.prev.${e}`, r.previous, `flow-endpoint-events ${e} previous`);
    if (r.change !== null && r.change !== '0' && r.change !== 0) put(`events.change.${e}`, r.change, `flow-endpoint-events ${e} change`);
    else if (r.change === '0' || r.change === 0) put(`events.change.${e}`, 0, `flow-endpoint-events ${e} change`);
  }
  for (const r of rowsOf(report, 'baseline-arms')) for (const arm of ARMS) put(`arm.${String(r.population)}.${arm}`, r[arm], `baseline-arms ${String(r.population)} ${arm}`);
  for (const r of rowsOf(report, 'baseline-categorical')) {
    for (const arm of ARMS) put(`t1.${String(r.population)}.${String(r.covariate)}.${String(r.level)}.${arm}`, r[arm], `Table 1 ${String(r.population)} ${String(r.covariate)} ${String(r.level)} ${arm}`);
  }
  for (const r of rowsOf(report, 'baseline-continuous')) put(`t1.${String(r.population)}.${String(r.covariate)}.missing.${String(r.arm)}`, r.missing, `Table 1 ${String(r.population)} ${String(r.covariate)} missing ${String(r.arm)}`);
  // Numbers at risk at month 0 are the arm sizes of Table 1 (every patient of the population is on each curve).
  for (const r of rowsOf(report, 'risk-tables')) if (r.month === 0) put(`arm.${String(r.population)}.${String(r.arm)}`, r.atRisk, `risk table ${String(r.population)} ${String(r.endpoint)} ${String(r.arm)} month 0`);
  for (const r of rowsOf(report, 'follow-up')) put(r.population === 'all' ? 'patients.cur' : `patients.${String(r.population)}`, r.patients, `follow-up ${String(r.population)}`);
  for (const r of rowsOf(report, 'models')) {
    if (r.analysis !== 'monitoring' || r.covariate !== 'port') continue;
    const e = `${String(r.population)}.${String(r.endpoint)}`;
    put(`model.n.${e}`, r.patients, `models ${e} patients`);
    put(`events.${e}`, r.events, `models ${e} events`);
  }
  for (const r of rowsOf(report, 'forest')) {
    const e = `${String(r.population)}.${String(r.endpoint)}`;
    put(`model.n.${e}.ptr`, r.patientsPtr, `forest ${e} patients PTR alone`);
    put(`model.n.${e}.port`, r.patientsPort, `forest ${e} patients PORT`);
    put(`events.${e}.ptr`, r.eventsPtr, `forest ${e} events PTR alone`);
    put(`events.${e}.port`, r.eventsPort, `forest ${e} events PORT`);
  }
  for (const r of rowsOf(report, 'alerts')) {
    const e = `${String(r.population)}.${String(r.endpoint)}`;
    put(`events.${e}.ptr`, r.eventsPtr, `alerts ${e} events PTR alone`);
    put(`events.${e}.port`, r.eventsPort, `alerts ${e} events PORT`);
  }
  const cutoff = String(rowsOf(report, 'meta').find((r) => r.key === 'cutoff')?.value ?? '');
  const previous = String(rowsOf(report, 'meta').find((r) => r.key === 'previousCutoff')?.value ?? '');
  for (const key of ['z-paths', 'boundary-tables']) {
    for (const r of rowsOf(report, key)) {
      if (r.look === null) continue;
      const e = `${String(r.population)}.${String(r.endpoint)}`;
      if (r.cutoff === cutoff) put(`events.${e}`, r.events, `${key} ${e} look ${String(r.look)}`);
      else if (r.cutoff === previous) put(`events.prev.${e}`, r.events, `${key} ${e} look ${String(r.look)}`);
      else put(`events@${String(r.cutoff)}.${e}`, r.events, `${key} ${e} look ${String(r.look)}`);
    }
  }
  for (const r of rowsOf(report, 'dq-overdue')) {
    put('dq.overdue', r.patients, 'dq-overdue patients');
    put('dq.overdue.of', r.ofPatients, 'dq-overdue of patients');
  }
  for (const r of rowsOf(report, 'dq-missing-covariates')) {
    put(`dq.missing.${String(r.covariate)}`, r.missing, `dq-missing-covariates ${String(r.covariate)}`);
    put('patients.cur', r.ofPatients, `dq-missing-covariates ${String(r.covariate)} of patients`);
  }
  for (const r of rowsOf(report, 'dq-rejected-events')) for (const c of ['sincePrevious', 'total']) put(`rejected.${String(r.reason)}.${c}`, r[c], `dq-rejected-events ${String(r.reason)} ${c}`);
  for (const r of rowsOf(report, 'dq-conflicting-events')) for (const c of ['sincePrevious', 'total']) put(`conflicting.${String(r.reason)}.${c}`, r[c], `dq-conflicting-events ${String(r.reason)} ${c}`);
  rowsOf(report, 'dq-centres').forEach((r, i) => put(`centre.${i}`, r.patients, `dq-centres ${String(r.centre)} patients`));
  return out;
}

/** The events table of a digest's text (one line per estimand, the last three cells: Events, PTR + PORT, PTR alone). */
export function digestPrintings(text: string, k: number, where: string): Printing[] {
  const out: Printing[] = [];
  const pop: Record<string, string> = { All: 'all', 'Group 1': 'group1', 'Group 2': 'group2', 'Group 3': 'group3' };
  for (const line of text.split('\n')) {
    const m = /^(All|Group [123]) (OS|PFS|LRR|DP)\b/.exec(line);
    if (!m) continue;
    const [events, port, ptr] = line.trim().split(/\s+/).slice(-3);
    const e = `${pop[m[1]]}.${m[2].toLowerCase()}`;
    out.push({ name: `events.${e}`, value: parsePrinted(events, k), where: `${where} ${e} events` });
    out.push({ name: `events.${e}.port`, value: parsePrinted(port, k), where: `${where} ${e} PTR + PORT` });
    out.push({ name: `events.${e}.ptr`, value: parsePrinted(ptr, k), where: `${where} ${e} PTR alone` });
  }
  return out;
}

/** The demo summary CSV (one row per look and estimand). */
export function demoCsvPrintings(csv: string, k: number, cutoff: string, previous: string | null): Printing[] {
  const rows: Record<string, string>[] = parse(csv, { columns: true });
  const out: Printing[] = [];
  for (const r of rows) {
    const e = `${r.population}.${r.endpoint}`;
    const at = r.cutoff === cutoff ? '' : r.cutoff === previous ? 'prev.' : `@${r.cutoff}.`;
    const put = (name: string, value: string, what: string) => {
      if (value !== '') out.push({ name, value: parsePrinted(value, k), where: `demo summary look ${r.look} ${e} ${what}` });
    };
    put(at === '' ? `model.n.${e}` : `model.n.${at}${e}`, r.patients, 'patients');
    put(`events.${at}${e}`, r.events, 'events');
    put(`events.${at}${e}.port`, r.events_port, 'events PORT');
    put(`events.${at}${e}.ptr`, r.events_no_port, 'events PTR alone');
  }
  return out;
}

/** The linear relations between the named quantities (each: sum of coef * value = 0). */
export function countRelations(printings: readonly Printing[]): Relation[] {
  const names = new Set(printings.map((p) => p.name));
  const has = (n: string) => names.has(n);
  const rel: Relation[] = [];
  const sum = (what: string, total: string, parts: readonly string[], minus: readonly string[] = []) => {
    const terms: Record<string, number> = { [total]: -1 };
    for (const p of parts) terms[p] = (terms[p] ?? 0) + 1;
    for (const p of minus) terms[p] = (terms[p] ?? 0) - 1;
    rel.push({ what, terms });
  };
  sum('patients: current = previous + new - removed', 'patients.cur', ['patients.prev', 'patients.new'], ['patients.removed']);
  sum('patients: current = groups + unclassified', 'patients.cur', [...GROUPS.map((g) => `patients.${g}`), 'patients.unclassified']);
  // Arm sizes (Table 1) add up to the population's patients (flow table), and populations to all.
  for (const p of ['all', ...GROUPS]) sum(`arms of ${p}`, p === 'all' ? 'patients.cur' : `patients.${p}`, ARMS.map((a) => `arm.${p}.${a}`));
  for (const a of ARMS) sum(`arm ${a}: all = groups + unclassified`, `arm.all.${a}`, [...GROUPS.map((g) => `arm.${g}.${a}`), `arm.unclassified.${a}`]);
  sum('unclassified arms', 'patients.unclassified', ARMS.map((a) => `arm.unclassified.${a}`));
  // Table 1: levels + missing = the arm size, per population, covariate and arm; populations add up.
  const t1 = [...names].filter((n) => n.startsWith('t1.'));
  const covariates = new Set(t1.map((n) => n.split('.').slice(1, 3).join('.')));
  for (const pc of covariates) {
    const [p, c] = pc.split('.');
    for (const a of ARMS) {
      const cells = t1.filter((n) => n.startsWith(`t1.${pc}.`) && n.endsWith(`.${a}`));
      if (c !== 'ageAtPtr') sum(`Table 1 ${pc} ${a}`, `arm.${p}.${a}`, cells);
    }
  }
  for (const n of t1.filter((x) => x.startsWith('t1.all.'))) {
    const rest = n.slice('t1.all.'.length);
    sum(`Table 1 ${rest}: all = groups + unclassified`, n, [...GROUPS.map((g) => `t1.${g}.${rest}`).filter(has), `t1.unclassified.${rest}`]);
  }
  for (const c of new Set([...covariates].filter((pc) => pc.startsWith('all.')).map((pc) => pc.split('.')[1]))) {
    if (c === 'ageAtPtr') continue;
    for (const a of ARMS) {
      const levels = t1.filter((n) => n.startsWith(`t1.all.${c}.`) && n.endsWith(`.${a}`)).map((n) => n.replace('t1.all.', 't1.unclassified.'));
      sum(`Table 1 unclassified ${c} ${a}`, `arm.unclassified.${a}`, levels);
    }
  }
  // Data quality's missing covariates = Table 1's missing counts of all patients, both arms.
  for (const n of [...names].filter((x) => x.startsWith('dq.missing.'))) {
    const c = n.slice('dq.missing.'.length);
    if (has(`t1.all.${c}.missing.ptr`)) sum(`missing ${c}: data quality = Table 1`, n, ARMS.map((a) => `t1.all.${c}.missing.${a}`));
  }
  // Centres add up to the patients.
  sum('centres', 'patients.cur', [...names].filter((n) => n.startsWith('centre.')));
  // Events: received = applied + rejected + conflicting + retracted per type; conflicts by reason = by type.
  const types = new Set([...names].filter((n) => n.startsWith('flow.')).map((n) => n.split('.')[1]));
  for (const t of types) sum(`flow events ${t}`, `flow.${t}.received`, ['applied', 'rejected', 'conflicting', 'retracted'].map((c) => `flow.${t}.${c}`));
  const conflictReasons = [...names].filter((n) => n.startsWith('conflicting.') && n.endsWith('.sincePrevious'));
  if (conflictReasons.length > 0) sum('conflicting since previous: by reason = by type', 'conflicting.sum', conflictReasons);
  if (conflictReasons.length > 0) sum('conflicting since previous: by type', 'conflicting.sum', [...types].map((t) => `flow.${t}.conflicting`));
  // Endpoint events: arms add up, the change is current - previous, populations add up.
  const estimands = new Set([...names].filter((n) => /^events\.(all|group[123])\.(os|pfs|lrr|dp)$/.test(n)).map((n) => n.slice('events.'.length)));
  for (const e of estimands) {
    if (has(`events.${e}.ptr`) || has(`events.${e}.port`)) sum(`events ${e}: arms`, `events.${e}`, ARMS.map((a) => `events.${e}.${a}`));
    if (has(`model.n.${e}`) && (has(`model.n.${e}.ptr`) || has(`model.n.${e}.port`))) sum(`patients ${e}: arms`, `model.n.${e}`, ARMS.map((a) => `model.n.${e}.${a}`));
  }
  for (const prefix of ['events.prev.', ...new Set([...names].filter((n) => n.startsWith('events@')).map((n) => `${n.split('.')[0]}.`))]) {
    for (const e of new Set([...names].filter((n) => n.startsWith(prefix) && (n.endsWith('.ptr') || n.endsWith('.port'))).map((n) => n.slice(prefix.length).split('.').slice(0, 2).join('.')))) {
      sum(`events ${prefix}${e}: arms`, `${prefix}${e}`, ARMS.map((a) => `${prefix}${e}.${a}`));
    }
  }
  for (const ep of ['os', 'pfs', 'lrr', 'dp']) {
    if (has(`events.all.${ep}`)) sum(`events ${ep}: all = groups + unclassified`, `events.all.${ep}`, [...GROUPS.map((g) => `events.${g}.${ep}`).filter(has), `events.unclassified.${ep}`]);
    if (has(`events.prev.all.${ep}`)) sum(`previous events ${ep}: all = groups + unclassified`, `events.prev.all.${ep}`, [...GROUPS.map((g) => `events.prev.${g}.${ep}`).filter(has), `events.prev.unclassified.${ep}`]);
  }
  return rel;
}

/** Adds the change relations, whose sign is printed ("+<11": current - previous = a hidden positive count). */
export function changeRelations(printings: readonly Printing[], report: RenderedReport): Relation[] {
  const rel: Relation[] = [];
  for (const r of rowsOf(report, 'flow-endpoint-events')) {
    if (r.previous === null) continue;
    const e = `${String(r.population)}.${String(r.endpoint)}`;
    const sign = String(r.change).startsWith('-') || String(r.change).startsWith('\u2212') ? -1 : 1;
    if (!printings.some((p) => p.name === `events.change.${e}`)) continue;
    rel.push({ what: `events ${e}: current = previous + change`, terms: { [`events.${e}`]: 1, [`events.prev.${e}`]: -1, [`events.change.${e}`]: -sign } });
  }
  return rel;
}

// ---------------------------------------------------------------------------------------------
// The HTML tables themselves: the counts of Table 1, the flow tables, the forest table and the
// missing-covariates table as the page prints them, read back from the markup.

interface HtmlTableText {
  readonly caption: string;
  readonly head: string[][];
  readonly body: string[][];
}

const unescape = (s: string) => s.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&#96;/g, '`').replace(/&amp;/g, '&').trim();

/** Every table of the page: caption, header rows and body rows as cell texts. */
export function htmlTables(html: string): HtmlTableText[] {
  const cells = (row: string) => [...row.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((m) => unescape(m[1]));
  return [...html.matchAll(/<table[^>]*>([\s\S]*?)<\/table>/g)].map((m) => {
    const caption = unescape(/<caption>([\s\S]*?)<\/caption>/.exec(m[1])?.[1] ?? '');
    const head = [...(/<thead>([\s\S]*?)<\/thead>/.exec(m[1])?.[1] ?? '').matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((r) => cells(r[1]));
    const body = [...(/<tbody>([\s\S]*?)<\/tbody>/.exec(m[1])?.[1] ?? '').matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((r) => cells(r[1]));
    return { caption, head, body };
  });
}

const invert = (table: Readonly<Record<string, string>>): Map<string, string> => new Map(Object.entries(table).map(([k, v]) => [v, k]));
/** The count of a cell "45 (25.6)", "<11", "≥11", "1,234". */
const countText = (text: string) => text.split(' (')[0];

export interface Vocabulary {
  readonly population: Readonly<Record<string, string>>;
  readonly covariate: Readonly<Record<string, string>>;
  readonly level: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly endpointShort: Readonly<Record<string, string>>;
  readonly populationShort: Readonly<Record<string, string>>;
}

export function htmlPrintings(html: string, k: number, words: Vocabulary): Printing[] {
  const out: Printing[] = [];
  const put = (name: string, text: string, where: string) => {
    if (text !== '' && text !== 'NA') out.push({ name, value: parsePrinted(countText(text), k), where: `HTML ${where}` });
  };
  const populations = invert(words.population);
  const covariates = invert(words.covariate);
  const estimands = new Map<string, string>();
  for (const [p, ps] of Object.entries(words.populationShort)) for (const [e, es] of Object.entries(words.endpointShort)) estimands.set(`${ps} · ${es}`, `${p}.${e}`);
  for (const t of htmlTables(html)) {
    const table1 = /^Table 1\. Baseline characteristics by PORT: (.*)$/.exec(t.caption);
    if (table1) {
      const p = populations.get(table1[1]);
      if (p === undefined) throw new Error(`Table 1 of an unknown population: ${table1[1]}`);
      t.head[0].slice(1, 3).forEach((h, j) => put(`arm.${p}.${ARMS[j]}`, /\(n = ([^)]*)\)/.exec(h)?.[1] ?? '', `Table 1 ${p} header`));
      let covariate = '';
      for (const row of t.body) {
        const label = row[0];
        const c = covariates.get(label) ?? (label.endsWith(', median (IQR)') ? covariates.get(label.replace(', median (IQR)', '')) : undefined);
        if (c !== undefined) {
          covariate = c;
          continue;
        }
        const level = label === 'Missing' ? 'missing' : invert(words.level[covariate] ?? {}).get(label);
        if (level === undefined) throw new Error(`Table 1 ${p}: unknown row ${label} under ${covariate}`);
        ARMS.forEach((a, j) => put(`t1.${p}.${covariate}.${level}.${a}`, row[1 + j], `Table 1 ${p} ${covariate} ${level} ${a}`));
      }
    } else if (t.caption === 'Patients in the analysis dataset') {
      const names = ['patients.prev', 'patients.new', 'patients.removed', 'patients.cur', 'patients.group1', 'patients.group2', 'patients.group3', 'patients.unclassified'];
      t.body.forEach((row, i) => put(names[i], row[1], `flow patients row ${i + 1}`));
    } else if (t.caption.startsWith('Endpoint events at this cutoff')) {
      const endpoints = t.head[0].slice(1).map((h) => invert(words.endpointShort).get(h));
      for (const row of t.body) {
        const p = populations.get(row[0]);
        endpoints.forEach((e, j) => {
          const m = /^(\S+)(?: \(([^)]*)\))?$/.exec(row[1 + j]);
          if (m === null || e === undefined || p === undefined) return;
          put(`events.${p}.${e}`, m[1], `flow endpoint events ${p} ${e}`);
          if (m[2] !== undefined && m[2] !== '0') put(`events.change.${p}.${e}`, m[2], `flow endpoint events ${p} ${e} change`);
        });
      }
    } else if (t.caption === 'PORT hazard ratios by population and endpoint') {
      for (const row of t.body) {
        const e = estimands.get(row[0].replace(/ \*$/, ''));
        if (e === undefined) throw new Error(`forest table: unknown estimand ${row[0]}`);
        const [nPtr, nPort] = row[1].split(' / ');
        const [ePtr, ePort] = row[2].split(' / ');
        put(`model.n.${e}.ptr`, nPtr, `forest ${e} patients PTR alone`);
        put(`model.n.${e}.port`, nPort, `forest ${e} patients PORT`);
        put(`events.${e}.ptr`, ePtr, `forest ${e} events PTR alone`);
        put(`events.${e}.port`, ePort, `forest ${e} events PORT`);
      }
    } else if (t.caption === 'Missing baseline covariates') {
      for (const row of t.body) put(`dq.missing.${covariates.get(row[0]) ?? row[0]}`, row[1], `missing covariates ${row[0]}`);
    }
  }
  return out;
}
