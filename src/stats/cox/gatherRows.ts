/**
 * The covariate columns in sorted order, centred, row-major: out[k·p + j] = columns[j][order[k]] − means[j].
 *
 * Reading columns[j][order[k]] for k = 0, 1, ... is a random access per value (a cache and TLB miss at a
 * million rows). Instead the values go through buckets of 2^12 destination rows: one sequential pass over
 * the sources appends each row to its bucket, then each bucket's rows land in a 2^12-row window of the
 * output that stays in cache. The same doubles, only moved: the result is identical to the direct gather.
 * Some more columns travel in the same passes, gathered as they are (not centred), each into its own
 * array: extra[e][k] = extraColumns[e][order[k]].
 */
const BUCKET_BITS = 12;
/** Source rows read per step of the first pass (their bucket positions kept in a small array). */
const CHUNK = 4096;

export function gatherRows(columns: readonly Float64Array[], means: Float64Array, order: Int32Array, extraColumns: readonly Float64Array[]): { x: Float64Array; extra: Float64Array[] } {
  const n = order.length;
  const p = columns.length;
  const q = p + extraColumns.length;
  const out = new Float64Array(n * p);
  const extra = extraColumns.map(() => new Float64Array(n));
  if (n === 0 || q === 0) return { x: out, extra };
  const all = [...columns, ...extraColumns];
  const dest = new Int32Array(n);
  for (let k = 0; k < n; k++) dest[order[k]] = k;
  const nBuckets = (n >>> BUCKET_BITS) + 1;
  const next = new Int32Array(nBuckets + 1);
  for (let i = 0; i < n; i++) next[(dest[i] >>> BUCKET_BITS) + 1]++;
  for (let b = 0; b < nBuckets; b++) next[b + 1] += next[b];
  const rowOf = new Int32Array(n);
  const values = new Float64Array(n * q);
  const at = new Int32Array(CHUNK);
  for (let i0 = 0; i0 < n; i0 += CHUNK) {
    const i1 = Math.min(n, i0 + CHUNK);
    for (let i = i0; i < i1; i++) {
      const d = dest[i];
      const slot = next[d >>> BUCKET_BITS]++;
      at[i - i0] = slot * q;
      rowOf[slot] = d;
    }
    for (let j = 0; j < q; j++) {
      const column = all[j];
      for (let i = i0; i < i1; i++) values[at[i - i0] + j] = column[i];
    }
  }
  for (let slot = 0; slot < n; slot++) {
    const k = rowOf[slot];
    const to = k * p;
    const from = slot * q;
    for (let j = 0; j < p; j++) out[to + j] = values[from + j] - means[j];
    for (let e = 0; e < extra.length; e++) extra[e][k] = values[from + p + e];
  }
  return { x: out, extra };
}
