/**
 * Rank-one updates target[i][l] += left_i · right_l (lower triangle, l ≤ i, p × p row-major) queued in
 * blocks and applied element by element: for one element the queued products are added in the order
 * they were queued, so the result is bit for bit what adding each update on arrival gives (IEEE
 * addition is not associative, but nothing here reorders it). Applying a block element-wise keeps the
 * element's running sum in a register and reads the block's vectors contiguously (they are stored
 * transposed), instead of loading and storing all p(p+1)/2 elements once per update: the information
 * matrix of the Cox fit is built from one such update per death time and one per row.
 */
export class OuterProductBlock {
  /** Queued left vectors, transposed: left[i * capacity + m] is element i of update m. */
  readonly left: Float64Array;
  /** Queued right vectors, transposed as `left`. */
  readonly right: Float64Array;
  /** Per lower-triangle element: its index in the target, then the offsets of its left and right rows. */
  private readonly pairs: Int32Array;
  /** Updates queued so far (the next one is written at this index). */
  count = 0;

  constructor(
    readonly p: number,
    readonly target: Float64Array,
    readonly capacity = 128,
  ) {
    this.left = new Float64Array(p * capacity);
    this.right = new Float64Array(p * capacity);
    const pairs: number[] = [];
    for (let i = 0; i < p; i++) for (let l = 0; l <= i; l++) pairs.push(i * p + l, i * capacity, l * capacity);
    this.pairs = Int32Array.from(pairs);
  }

  /** Call after writing update `count` into left and right. */
  commit(): void {
    if (++this.count === this.capacity) this.flush();
  }

  /** Applies the queued updates to the target, in queue order per element. */
  flush(): void {
    const { left, right, target, pairs } = this;
    const m = this.count;
    if (m === 0) return;
    const groups = pairs.length - (pairs.length % 12);
    let g = 0;
    // Four elements at once: four independent sums (more work per loaded value than one dependent
    // chain), each still in its own queue order.
    for (; g < groups; g += 12) {
      const e0 = pairs[g], l0 = pairs[g + 1], r0 = pairs[g + 2];
      const e1 = pairs[g + 3], l1 = pairs[g + 4], r1 = pairs[g + 5];
      const e2 = pairs[g + 6], l2 = pairs[g + 7], r2 = pairs[g + 8];
      const e3 = pairs[g + 9], l3 = pairs[g + 10], r3 = pairs[g + 11];
      let s0 = target[e0];
      let s1 = target[e1];
      let s2 = target[e2];
      let s3 = target[e3];
      for (let k = 0; k < m; k++) {
        s0 += left[l0 + k] * right[r0 + k];
        s1 += left[l1 + k] * right[r1 + k];
        s2 += left[l2 + k] * right[r2 + k];
        s3 += left[l3 + k] * right[r3 + k];
      }
      target[e0] = s0;
      target[e1] = s1;
      target[e2] = s2;
      target[e3] = s3;
    }
    for (; g < pairs.length; g += 3) {
      const e0 = pairs[g], l0 = pairs[g + 1], r0 = pairs[g + 2];
      let s0 = target[e0];
      for (let k = 0; k < m; k++) s0 += left[l0 + k] * right[r0 + k];
      target[e0] = s0;
    }
    this.count = 0;
  }
}
