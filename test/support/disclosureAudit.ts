// The subtraction audit: given every count as it was printed (a number, "<k", ">=k"/"≥k", or not printed
// at all) under a name for the quantity it is, and the linear relations between those quantities (the
// same quantity printed in several places is one name; a total equals the sum of its parts, across
// tables), finds every suppressed count a reader could recover exactly:
// - by linear algebra: a hidden quantity is determined when its unit vector lies in the row space of
//   the relations restricted to the hidden quantities (Gaussian elimination, then a row equal to e_h);
// - by bounds: "<k" is 1..k-1, ">=k" is at least k, an unprinted count at least 0; propagating those
//   intervals through the relations (integer rounding) may pin a small count to one value.
// It is written independently of src/reports/suppression.ts, from what the outputs print.

/** What a reader knows of one quantity from one place it is printed. */
export type Printed = number | '<' | '>=' | null;

export interface Relation {
  /** Quantity name -> coefficient; the relation is sum(coef * value) = 0. */
  readonly terms: Readonly<Record<string, number>>;
  readonly what: string;
}

export interface AuditInput {
  readonly smallCellMin: number;
  /** Every printing of a quantity: name, what was printed, where (for the message). */
  readonly printed: readonly { readonly name: string; readonly value: Printed; readonly where: string }[];
  readonly relations: readonly Relation[];
}

export interface Finding {
  readonly name: string;
  readonly value: number;
  readonly how: 'linear' | 'bounds' | 'printed elsewhere';
  readonly where: string;
}

const EPS = 1e-9;

/** The names whose value is determined by the relations from the known values (Gaussian elimination). */
function linearlyDetermined(hidden: readonly string[], known: ReadonlyMap<string, number>, relations: readonly Relation[]): Map<string, number> {
  const col = new Map(hidden.map((h, i) => [h, i]));
  const rows: number[][] = [];
  for (const r of relations) {
    const row = new Array<number>(hidden.length + 1).fill(0);
    let any = false;
    for (const [name, c] of Object.entries(r.terms)) {
      const j = col.get(name);
      if (j !== undefined) {
        row[j] += c;
        any = true;
      } else {
        const v = known.get(name);
        if (v === undefined) throw new Error(`relation ${r.what}: ${name} is neither hidden nor known`);
        row[hidden.length] -= c * v;
      }
    }
    if (any) rows.push(row);
  }
  // Reduced row echelon form.
  let pivotRow = 0;
  for (let j = 0; j < hidden.length && pivotRow < rows.length; j++) {
    let best = pivotRow;
    for (let i = pivotRow + 1; i < rows.length; i++) if (Math.abs(rows[i][j]) > Math.abs(rows[best][j])) best = i;
    if (Math.abs(rows[best][j]) < EPS) continue;
    [rows[pivotRow], rows[best]] = [rows[best], rows[pivotRow]];
    const p = rows[pivotRow][j];
    rows[pivotRow] = rows[pivotRow].map((x) => x / p);
    for (let i = 0; i < rows.length; i++) {
      if (i === pivotRow || Math.abs(rows[i][j]) < EPS) continue;
      const f = rows[i][j];
      rows[i] = rows[i].map((x, k) => x - f * rows[pivotRow][k]);
    }
    pivotRow++;
  }
  const determined = new Map<string, number>();
  for (const row of rows.slice(0, pivotRow)) {
    const nonzero = row.slice(0, hidden.length).flatMap((x, j) => (Math.abs(x) > EPS ? [j] : []));
    if (nonzero.length === 1) determined.set(hidden[nonzero[0]], row[hidden.length] / row[nonzero[0]]);
  }
  return determined;
}

/** Interval propagation through the relations; the names pinned to one integer. */
function boundsDetermined(bounds: Map<string, [number, number]>, relations: readonly Relation[]): Map<string, number> {
  for (let round = 0; round < 200; round++) {
    let changed = false;
    for (const r of relations) {
      const terms = Object.entries(r.terms);
      for (const [name, c] of terms) {
        // c * x = -sum(others): the others' range gives x's.
        let lo = 0;
        let hi = 0;
        for (const [other, d] of terms) {
          if (other === name) continue;
          const [a, b] = bounds.get(other) ?? [0, Infinity];
          const terms2 = [d * a, d * b].map((x) => (Number.isNaN(x) ? 0 : x));
          lo -= Math.max(...terms2);
          hi -= Math.min(...terms2);
        }
        const [xlo, xhi] = c > 0 ? [lo / c, hi / c] : [hi / c, lo / c];
        const current = bounds.get(name) ?? [0, Infinity];
        const next: [number, number] = [Math.max(current[0], Math.ceil(xlo - EPS)), Math.min(current[1], Math.floor(xhi + EPS))];
        if (next[0] > current[0] || next[1] < current[1]) {
          bounds.set(name, next);
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  const pinned = new Map<string, number>();
  for (const [name, [lo, hi]] of bounds) if (lo === hi) pinned.set(name, lo);
  return pinned;
}

/** Every suppressed count the printed values and relations give away (empty: nothing recoverable). */
export function recoverableCounts(input: AuditInput): Finding[] {
  const k = input.smallCellMin;
  const known = new Map<string, number>();
  const bounds = new Map<string, [number, number]>();
  const suppressedAt = new Map<string, string>();
  const small = new Set<string>();
  const names = new Set<string>();
  for (const r of input.relations) for (const n of Object.keys(r.terms)) names.add(n);
  for (const p of input.printed) names.add(p.name);
  for (const n of names) bounds.set(n, [0, Infinity]);
  const findings: Finding[] = [];
  for (const p of input.printed) {
    const [lo, hi] = bounds.get(p.name) ?? [0, Infinity];
    if (typeof p.value === 'number') {
      if (known.has(p.name) && known.get(p.name) !== p.value) throw new Error(`${p.name} printed as ${known.get(p.name)} and ${p.value} (${p.where})`);
      known.set(p.name, p.value);
      bounds.set(p.name, [p.value, p.value]);
    } else if (p.value === '<') {
      bounds.set(p.name, [Math.max(lo, 1), Math.min(hi, k - 1)]);
      suppressedAt.set(p.name, p.where);
      small.add(p.name);
    } else if (p.value === '>=') {
      bounds.set(p.name, [Math.max(lo, k), hi]);
      suppressedAt.set(p.name, p.where);
    }
  }
  for (const [name, where] of suppressedAt) {
    const v = known.get(name);
    if (v !== undefined) findings.push({ name, value: v, how: 'printed elsewhere', where });
  }
  const hidden = [...names].filter((n) => !known.has(n));
  // Linear recovery of any hidden count (a complement given away exposes the cell it protects); by bounds,
  // of the small counts ("<k"), which are what is protected: a "≥k" count pinned by bounds is at least k.
  for (const [name, value] of linearlyDetermined(hidden, known, input.relations)) {
    if (suppressedAt.has(name)) findings.push({ name, value, how: 'linear', where: suppressedAt.get(name) ?? '' });
  }
  for (const [name, value] of boundsDetermined(bounds, input.relations)) {
    if (small.has(name) && !known.has(name) && !findings.some((f) => f.name === name)) findings.push({ name, value, how: 'bounds', where: suppressedAt.get(name) ?? '' });
  }
  return findings;
}

/** Reads a printed count: 1,234 / 12 / "<11" / ">=11" / "≥11" (with an optional sign for changes). */
export function parsePrinted(text: string | number | boolean | null | undefined, smallCellMin: number): Printed {
  if (text === null || text === undefined || text === '') return null;
  if (typeof text === 'number') return text;
  const s = String(text).trim().replace(/^[+\u2212-]/, '');
  if (s === `<${smallCellMin}`) return '<';
  if (s === `>=${smallCellMin}` || s === `\u2265${smallCellMin}`) return '>=';
  if (/^\d{1,3}(,\d{3})*$|^\d+$/.test(s)) return Number(s.replace(/,/g, ''));
  throw new Error(`not a printed count: ${JSON.stringify(text)}`);
}
