/**
 * Integration grid for one look of a group-sequential recursion (Jennison & Turnbull 2000, sec 19.2).
 *
 * Points are placed on the Z scale with spacing 3/(2r) over |z| <= 6 and logarithmically sparser beyond,
 * out to ±(6 + 4 ln r); the continuation region (lower, upper) trims them and its finite ends become grid
 * points. Midpoints are then inserted so that Simpson's rule applies on every pair of intervals.
 * J&T place the fine spacing over |z| <= 3 only; a monitoring series has boundaries between 3 and 6 and
 * looks only a few events apart, whose narrow transition kernel sits near the previous boundary: with
 * the sparse tail there, a look adding 3 events to 219 had its boundary off by 2e-6 (now 2e-8 at r = 64).
 * Returns the points and their Simpson weights.
 */
export interface Grid {
  z: Float64Array;
  w: Float64Array;
}

function standardPoints(r: number): number[] {
  // Uniform spacing 3/(2r) over |z| <= 6, then logarithmically sparser out to ±(6 + 4 ln r).
  const h = 3 / (2 * r);
  const inner = Math.round(6 / h);
  const x: number[] = [];
  for (let i = 1; i < r; i++) x.push(-6 - 4 * Math.log(r / i));
  for (let i = -inner; i <= inner; i++) x.push(i * h);
  for (let i = r - 1; i >= 1; i--) x.push(6 + 4 * Math.log(r / i));
  return x;
}

export function continuationGrid(lower: number, upper: number, r: number): Grid {
  if (!(lower < upper)) throw new Error(`continuation region (${lower}, ${upper}) is empty`);
  const x = standardPoints(r);
  const first = x[0];
  const last = x[x.length - 1];
  const nodes: number[] = [Math.max(lower, first)];
  for (const xi of x) if (xi > nodes[0] && xi < upper && xi < last) nodes.push(xi);
  const top = Math.min(upper, last);
  if (top > nodes[nodes.length - 1]) nodes.push(top);
  if (nodes.length < 2) throw new Error(`continuation region (${lower}, ${upper}) lies outside the integration range`);

  const m = 2 * nodes.length - 1;
  const z = new Float64Array(m);
  for (let i = 0; i < nodes.length; i++) {
    z[2 * i] = nodes[i];
    if (i + 1 < nodes.length) z[2 * i + 1] = (nodes[i] + nodes[i + 1]) / 2;
  }
  return { z, w: simpsonWeights(z) };
}

/** Composite Simpson weights on an odd number of points whose even-indexed pairs may be unequal. */
function simpsonWeights(z: Float64Array): Float64Array {
  const m = z.length;
  const w = new Float64Array(m);
  w[0] = (z[2] - z[0]) / 6;
  w[m - 1] = (z[m - 1] - z[m - 3]) / 6;
  for (let i = 1; i < m - 1; i++) {
    w[i] = i % 2 === 1 ? (4 * (z[i + 1] - z[i - 1])) / 6 : (z[i + 2] - z[i - 2]) / 6;
  }
  return w;
}
