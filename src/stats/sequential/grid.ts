/**
 * Integration grid for one look of a group-sequential recursion (Jennison & Turnbull 2000, sec 19.2).
 *
 * Points are placed on the Z scale with spacing ~1/r over the bulk of the N(0,1) density (|z| ≤ 3) and
 * logarithmically sparser in the tails out to ±(3 + 4 ln r); the continuation region (lower, upper)
 * trims them and its finite ends become grid points. Midpoints are then inserted so that Simpson's rule
 * applies on every pair of intervals. Returns the points and their Simpson weights.
 */
export interface Grid {
  z: Float64Array;
  w: Float64Array;
}

function standardPoints(r: number): number[] {
  const x: number[] = [];
  for (let i = 1; i <= 6 * r - 1; i++) {
    if (i < r) x.push(-3 - 4 * Math.log(r / i));
    else if (i <= 5 * r) x.push(-3 + (3 * (i - r)) / (2 * r));
    else x.push(3 + 4 * Math.log(r / (6 * r - i)));
  }
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
