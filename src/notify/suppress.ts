/** A count as mail and reports print it: 0 < n < min becomes "<min" (small-cell suppression). */
export function suppressedCount(n: number, min: number): string {
  return n > 0 && n < min ? `<${min}` : String(n);
}
