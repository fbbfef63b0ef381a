/**
 * Writes one JSON object on stdout. JSON.stringify already prints every double as the shortest text that
 * round-trips (full precision) and writes NaN/±Infinity as null, which is what the CLI promises.
 */
export function writeJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** Plain array of a typed array, so it serialises as a JSON array. */
export function list(values: ArrayLike<number>): number[] {
  return Array.from(values);
}
