// JSON with object keys in code-unit order at every level, so two payloads that differ only in key
// order serialize (and hash) identically. Arrays keep their order: `sites` order is data.

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(record).sort()) {
    // undefined is absent in JSON; dropping it here keeps `{a: undefined}` equal to `{}`.
    if (record[key] !== undefined) sorted[key] = sortKeys(record[key]);
  }
  return sorted;
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}
