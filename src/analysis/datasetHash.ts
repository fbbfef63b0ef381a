import { createHash } from 'node:crypto';

/**
 * SHA-256 of the analysis dataset, independent of row order and key order: rows are serialised with
 * sorted keys and sorted, so the same data exported twice hashes the same (reproducibility check).
 */
export function datasetHash(rows: readonly object[]): string {
  const lines = rows.map((row) => JSON.stringify(Object.entries(row).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
  lines.sort();
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line).update('\n');
  return hash.digest('hex');
}
