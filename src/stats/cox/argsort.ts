/**
 * Stable argsort of float64 keys by LSD radix sort on their IEEE-754 bits (4 passes of 16 bits): the
 * sort dominates the fit at a million rows, and a comparator sort costs several times more. Below
 * RADIX_FROM rows the radix passes' fixed cost (4 × 65,536 counters cleared and summed) dominates
 * instead: a 426-patient registry's fits spent more time clearing counters than sorting, so small
 * inputs take a stable comparison sort giving the same order.
 */

const RADIX = 1 << 16;
export const RADIX_FROM = 4096;

/** Indices ordering `keys` ascending (stable: equal keys keep index order). NaN sorts last. */
export function argsortFloat64(keys: Float64Array): Int32Array {
  const n = keys.length;
  if (n < RADIX_FROM) return comparisonArgsort(keys);
  const f = Float64Array.from(keys);
  const words = new Uint32Array(f.buffer);
  // Map each double to an unsigned 64-bit order-preserving code: flip all bits of negatives, the sign bit
  // of positives; -0 and +0 become equal first so they tie.
  for (let i = 0; i < n; i++) {
    if (f[i] === 0) f[i] = 0;
    const hi = words[2 * i + 1];
    if ((hi & 0x80000000) !== 0) {
      words[2 * i + 1] = ~hi >>> 0;
      words[2 * i] = ~words[2 * i] >>> 0;
    } else {
      words[2 * i + 1] = (hi | 0x80000000) >>> 0;
    }
  }
  let idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  let tmp = new Int32Array(n);
  const count = new Int32Array(RADIX);
  for (let pass = 0; pass < 4; pass++) {
    const word = pass < 2 ? 0 : 1;
    const shift = (pass & 1) * 16;
    count.fill(0);
    for (let i = 0; i < n; i++) count[(words[2 * i + word] >>> shift) & 0xffff]++;
    // Skip a pass where every key has the same digit.
    if (count[(words[word] >>> shift) & 0xffff] === n) continue;
    let sum = 0;
    for (let d = 0; d < RADIX; d++) {
      const c = count[d];
      count[d] = sum;
      sum += c;
    }
    for (let k = 0; k < n; k++) {
      const i = idx[k];
      tmp[count[(words[2 * i + word] >>> shift) & 0xffff]++] = i;
    }
    const swap = idx;
    idx = tmp;
    tmp = swap;
  }
  return idx;
}

/**
 * The radix sort's order by comparison: -0 ties +0 (=== does), NaN after every number, ties in index
 * order (Array.prototype.sort is stable, ES2019).
 */
function comparisonArgsort(keys: Float64Array): Int32Array {
  const idx = Array.from({ length: keys.length }, (_, i) => i);
  idx.sort((a, b) => {
    const x = keys[a];
    const y = keys[b];
    if (x < y) return -1;
    if (x > y) return 1;
    if (x === y) return a - b;
    const xNaN = Number.isNaN(x);
    const yNaN = Number.isNaN(y);
    if (xNaN && yNaN) return a - b;
    return xNaN ? 1 : -1;
  });
  return Int32Array.from(idx);
}

/** Stable reorder of an index permutation by a small non-negative integer code (counting sort). */
export function stableByCode(order: Int32Array, code: Int32Array): Int32Array {
  let max = 0;
  for (let i = 0; i < code.length; i++) {
    if (code[i] < 0) throw new RangeError('codes must be non-negative');
    if (code[i] > max) max = code[i];
  }
  const count = new Int32Array(max + 2);
  for (let i = 0; i < code.length; i++) count[code[i] + 1]++;
  for (let d = 1; d < count.length; d++) count[d] += count[d - 1];
  const out = new Int32Array(order.length);
  for (let k = 0; k < order.length; k++) out[count[code[order[k]]]++] = order[k];
  return out;
}
