/**
 * The seed paper's model building (docs/study.md, Statistics 2): a univariate Cox model per candidate
 * term, terms with p <= `enter` (0.2) into a multivariable model, then backward elimination that drops
 * the term with the largest p while that p exceeds `stay` (0.05). A factor is one multi-df term.
 * The criterion (Wald or likelihood ratio) is used in both stages and named in the result.
 * Univariate fits use the rows where that term is observed (as R's na.omit); every multivariable fit
 * uses the complete cases of the entered terms, so successive models are nested on the same rows and
 * their likelihood-ratio tests are valid.
 */
import { fitCoxModel, type CoxModelFit, type CoxInput } from '../cox/index.ts';
import { lrtTermTest, waldTermTest } from './termTests.ts';
import type { CandidateTerm, EliminationStep, SelectionInput, SelectionResult, TermTest, UnivariateTest } from './types.ts';

const DESCRIPTIONS = {
  wald: 'Wald chi-square of the term (all its columns jointly), model-based variance',
  lrt: 'likelihood-ratio chi-square of the model with versus without the term, on the same rows',
} as const;

export function selectCoxModel(input: SelectionInput): SelectionResult {
  const enter = input.enter ?? 0.2;
  const stay = input.stay ?? 0.05;
  const forced = new Set(input.forced ?? []);
  validate(input, enter, stay, forced);

  const univariate: UnivariateTest[] = input.candidates.map((cand) => {
    const rows = observedRows(input, [cand]);
    const fit = fitOn(input, [cand], rows);
    const test = input.criterion === 'wald' ? waldTermTest(fit, cand.term, columnRange(0, cand.columns.length)) : lrtTermTest(cand.term, fit, fit.loglik.null, cand.columns.length);
    return { ...test, n: rows.length, nevent: fit.nevent, coefficients: fit.terms, entered: forced.has(cand.term) || test.p <= enter };
  });
  const entered = input.candidates.filter((_, i) => univariate[i].entered);
  const rows = observedRows(input, entered);

  let current = entered;
  const steps: EliminationStep[] = [];
  let finalFit: CoxModelFit | null = null;
  while (current.length > 0) {
    const full = fitOn(input, current, rows);
    finalFit = full;
    const tests = removableTests(input, current, rows, full, forced);
    const worst = tests.reduce<TermTest | null>((w, t) => (w === null || t.p > w.p ? t : w), null);
    if (worst === null || worst.p <= stay) {
      steps.push({ tests, removed: null });
      break;
    }
    steps.push({ tests, removed: worst.term });
    current = current.filter((c) => c.term !== worst.term);
    finalFit = null;
  }
  return {
    criterion: input.criterion,
    criterionDescription: DESCRIPTIONS[input.criterion],
    enter,
    stay,
    rule: `univariate p <= ${enter} enters; backward elimination drops the largest p while > ${stay}; ${forced.size > 0 ? `forced: ${[...forced].join(', ')}; ` : ''}multivariable fits on the ${rows.length} complete cases of the entered terms`,
    univariate,
    entered: entered.map((c) => c.term),
    nComplete: rows.length,
    steps,
    finalTerms: current.map((c) => c.term),
    finalFit,
  };
}

/** The p of every non-forced term in the current model; the tie-break is the earlier term (R's which.max). */
function removableTests(input: SelectionInput, current: CandidateTerm[], rows: number[], full: CoxModelFit, forced: Set<string>): TermTest[] {
  const tests: TermTest[] = [];
  let offset = 0;
  for (const cand of current) {
    const cols = columnRange(offset, cand.columns.length);
    offset += cand.columns.length;
    if (forced.has(cand.term)) continue;
    if (input.criterion === 'wald') {
      tests.push(waldTermTest(full, cand.term, cols));
    } else {
      const rest = current.filter((c) => c !== cand);
      const reduced = rest.length === 0 ? full.loglik.null : fitOn(input, rest, rows).loglik.model;
      tests.push(lrtTermTest(cand.term, full, reduced, cand.columns.length));
    }
  }
  return tests;
}

// Columns restricted to a row set, kept while that row set is in use: every step of the backward
// elimination fits on the same complete cases, so each column is gathered once, not once per fit.
const gathered = new WeakMap<readonly number[], Map<Float64Array | Uint8Array, Float64Array | Uint8Array>>();

function gather<T extends Float64Array | Uint8Array>(column: T, rows: readonly number[]): T {
  let columns = gathered.get(rows);
  if (columns === undefined) {
    columns = new Map();
    gathered.set(rows, columns);
  }
  let out = columns.get(column) as T | undefined;
  if (out === undefined) {
    out = (column instanceof Float64Array ? new Float64Array(rows.length) : new Uint8Array(rows.length)) as T;
    for (let k = 0; k < rows.length; k++) out[k] = column[rows[k]];
    columns.set(column, out);
  }
  return out;
}

function fitOn(input: SelectionInput, terms: readonly CandidateTerm[], rows: readonly number[]): CoxModelFit {
  // Rows are ascending indices: all of them means the columns can be used as they are (no copy per fit).
  const all = rows.length === input.stop.length;
  const pick = (col: Float64Array): Float64Array => (all ? col : gather(col, rows));
  const coxInput: CoxInput = {
    stop: pick(input.stop),
    event: all ? input.event : gather(input.event, rows),
    x: terms.flatMap((t) => t.columns.map(pick)),
    names: terms.flatMap((t) => t.columnNames),
    ties: input.ties,
  };
  if (input.start) coxInput.start = pick(input.start);
  if (input.strata) coxInput.strata = all ? input.strata : Int32Array.from(rows, (i) => input.strata?.[i] ?? 0);
  if (input.weights) coxInput.weights = pick(input.weights);
  return fitCoxModel(coxInput);
}

function observedRows(input: SelectionInput, terms: readonly CandidateTerm[]): number[] {
  const n = input.stop.length;
  const missing = new Uint8Array(n);
  for (const term of terms) {
    for (const column of term.columns) for (let i = 0; i < n; i++) if (Number.isNaN(column[i])) missing[i] = 1;
  }
  const rows: number[] = [];
  for (let i = 0; i < n; i++) if (missing[i] === 0) rows.push(i);
  return rows;
}

function columnRange(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, k) => from + k);
}

function validate(input: SelectionInput, enter: number, stay: number, forced: Set<string>): void {
  if (input.criterion !== 'wald' && input.criterion !== 'lrt') throw new Error(`criterion must be "wald" or "lrt", got "${String(input.criterion)}"`);
  if (!(enter > 0 && enter <= 1)) throw new Error(`enter threshold must be in (0, 1], got ${enter}`);
  if (!(stay > 0 && stay <= 1)) throw new Error(`stay threshold must be in (0, 1], got ${stay}`);
  if (input.candidates.length === 0) throw new Error('model selection needs at least one candidate term');
  const names = new Set<string>();
  for (const c of input.candidates) {
    if (names.has(c.term)) throw new Error(`candidate term "${c.term}" appears twice`);
    names.add(c.term);
    if (c.columns.length === 0 || c.columns.length !== c.columnNames.length) throw new Error(`candidate term "${c.term}" needs one name per design column`);
    for (const col of c.columns) if (col.length !== input.stop.length) throw new Error(`candidate term "${c.term}" has ${col.length} rows, stop has ${input.stop.length}`);
  }
  for (const f of forced) if (!names.has(f)) throw new Error(`forced term "${f}" is not a candidate`);
}
