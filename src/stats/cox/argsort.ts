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
  return argsortWithCodes(keys).order;
}

/**
 * The argsort and the sorted keys' order-preserving codes (lo, hi words): two non-NaN keys are equal
 * (±0 included) exactly when their codes are, so callers can find runs of equal keys sequentially.
 */
export function argsortWithCodes(keys: Float64Array): { order: Int32Array; lo: Uint32Array; hi: Uint32Array } {
  const n = keys.length;
  if (n < RADIX_FROM) return withCodes(keys, comparisonArgsort(keys));
  const f = Float64Array.from(keys);
  const words = new Uint32Array(f.buffer);
  // Each double as an unsigned 64-bit order-preserving code (lo, hi): all bits of negatives flipped, the
  // sign bit of positives set; -0 and +0 become equal first so they tie. The codes travel with the
  // indices through the passes, so every pass reads sequentially (reading codes by index was a random
  // access per element and per pass: twice the time at a million rows).
  let lo = new Uint32Array(n);
  let hi = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    if (f[i] === 0) f[i] = 0;
    const h = words[2 * i + 1];
    if ((h & 0x80000000) !== 0) {
      hi[i] = ~h >>> 0;
      lo[i] = ~words[2 * i] >>> 0;
    } else {
      hi[i] = (h | 0x80000000) >>> 0;
      lo[i] = words[2 * i];
    }
  }
  let idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  let lo2 = new Uint32Array(n);
  let hi2 = new Uint32Array(n);
  let idx2 = new Int32Array(n);
  const count = new Int32Array(RADIX);
  for (let pass = 0; pass < 4; pass++) {
    const word = pass < 2 ? lo : hi;
    const shift = (pass & 1) * 16;
    count.fill(0);
    for (let i = 0; i < n; i++) count[(word[i] >>> shift) & 0xffff]++;
    // Skip a pass where every key has the same digit.
    if (n === 0 || count[(word[0] >>> shift) & 0xffff] === n) continue;
    let sum = 0;
    for (let d = 0; d < RADIX; d++) {
      const c = count[d];
      count[d] = sum;
      sum += c;
    }
    for (let k = 0; k < n; k++) {
      const at = count[(word[k] >>> shift) & 0xffff]++;
      lo2[at] = lo[k];
      hi2[at] = hi[k];
      idx2[at] = idx[k];
    }
    [lo, lo2] = [lo2, lo];
    [hi, hi2] = [hi2, hi];
    [idx, idx2] = [idx2, idx];
  }
  return { order: idx, lo, hi };
}

/** The codes (as the radix passes compute them) of the keys taken in `order`. */
function withCodes(keys: Float64Array, order: Int32Array): { order: Int32Array; lo: Uint32Array; hi: Uint32Array } {
  const n = order.length;
  const f = new Float64Array(n);
  for (let k = 0; k < n; k++) f[k] = keys[order[k]] === 0 ? 0 : keys[order[k]];
  const words = new Uint32Array(f.buffer);
  const lo = new Uint32Array(n);
  const hi = new Uint32Array(n);
  for (let k = 0; k < n; k++) {
    const h = words[2 * k + 1];
    const negative = (h & 0x80000000) !== 0;
    hi[k] = negative ? ~h >>> 0 : (h | 0x80000000) >>> 0;
    lo[k] = negative ? ~words[2 * k] >>> 0 : words[2 * k];
  }
  return { order, lo, hi };
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
