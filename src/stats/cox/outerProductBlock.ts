/**
 * Rank-one updates target[i][l] += left_i · right_l (lower triangle, l ≤ i, p × p row-major) queued in
 * blocks and applied element by element: for one element the queued products are added in the order
 * they were queued, so the result is bit for bit what adding each update on arrival gives (IEEE
 * addition is not associative, but nothing here reorders it). Applying a block element-wise keeps the
 * element's running sum in a register and reads the block's vectors contiguously (they are stored
 * transposed), instead of loading and storing all p(p+1)/2 elements once per update: the information
 * matrix of the Cox fit is built from one such update per death time and one per row.
 *
 * The elements are taken in tiles of 2 rows × 4 columns covering the lower triangle (8 running sums
 * from 6 loads per update). Tiles on the diagonal also hold elements above it (l > i): those are
 * accumulated too and hold nothing meaningful; the caller overwrites the upper triangle by symmetry.
 */
const TILE_ROWS = 2;
const TILE_COLS = 4;

export class OuterProductBlock {
  /** Queued left vectors, transposed: left[i * capacity + m] is element i of update m (rows ≥ p stay 0). */
  readonly left: Float64Array;
  /** Queued right vectors, transposed as `left`. */
  readonly right: Float64Array;
  /** Per tile: its first row and first column. */
  private readonly tiles: Int32Array;
  /** Updates queued so far (the next one is written at this index). */
  count = 0;

  constructor(
    readonly p: number,
    readonly target: Float64Array,
    readonly capacity = 128,
  ) {
    // Padded to whole tiles; the padding rows are never written, so their products are 0 and unused.
    const rows = Math.ceil(p / TILE_ROWS) * TILE_ROWS + TILE_COLS;
    this.left = new Float64Array(rows * capacity);
    this.right = new Float64Array(rows * capacity);
    const tiles: number[] = [];
    for (let i = 0; i < p; i += TILE_ROWS) {
      for (let l = 0; l <= Math.min(i + TILE_ROWS - 1, p - 1); l += TILE_COLS) tiles.push(i, l);
    }
    this.tiles = Int32Array.from(tiles);
  }

  /** Call after writing update `count` into left and right. */
  commit(): void {
    if (++this.count === this.capacity) this.flush();
  }

  /** Applies the queued updates to the target, in queue order per element. */
  flush(): void {
    const { p, capacity, left, right, target, tiles } = this;
    const m = this.count;
    if (m === 0) return;
    for (let t = 0; t < tiles.length; t += 2) {
      const i = tiles[t];
      const l = tiles[t + 1];
      const a0 = i * capacity;
      const a1 = a0 + capacity;
      const b0 = l * capacity;
      const b1 = b0 + capacity;
      const b2 = b1 + capacity;
      const b3 = b2 + capacity;
      const e0 = i * p + l;
      const e1 = e0 + p;
      // Elements outside the matrix (padding) start from 0 and are not stored.
      const in1 = i + 1 < p;
      const n1 = l + 1 < p;
      const n2 = l + 2 < p;
      const n3 = l + 3 < p;
      let s00 = target[e0];
      let s01 = n1 ? target[e0 + 1] : 0;
      let s02 = n2 ? target[e0 + 2] : 0;
      let s03 = n3 ? target[e0 + 3] : 0;
      let s10 = in1 ? target[e1] : 0;
      let s11 = in1 && n1 ? target[e1 + 1] : 0;
      let s12 = in1 && n2 ? target[e1 + 2] : 0;
      let s13 = in1 && n3 ? target[e1 + 3] : 0;
      for (let k = 0; k < m; k++) {
        const u0 = left[a0 + k];
        const u1 = left[a1 + k];
        const v0 = right[b0 + k];
        const v1 = right[b1 + k];
        const v2 = right[b2 + k];
        const v3 = right[b3 + k];
        s00 += u0 * v0;
        s01 += u0 * v1;
        s02 += u0 * v2;
        s03 += u0 * v3;
        s10 += u1 * v0;
        s11 += u1 * v1;
        s12 += u1 * v2;
        s13 += u1 * v3;
      }
      target[e0] = s00;
      if (n1) target[e0 + 1] = s01;
      if (n2) target[e0 + 2] = s02;
      if (n3) target[e0 + 3] = s03;
      if (in1) {
        target[e1] = s10;
        if (n1) target[e1 + 1] = s11;
        if (n2) target[e1 + 2] = s12;
        if (n3) target[e1 + 3] = s13;
      }
    }
    this.count = 0;
  }
}
