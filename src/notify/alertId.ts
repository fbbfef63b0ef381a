import { createHash } from 'node:crypto';

/**
 * An alert's id is derived from what the alert is about (plan, cutoff, estimand, rule), so a rerun of
 * the same look after a crash produces the same id, and with it the same Message-ID.
 */
export function alertId(parts: { planVersion: string; cutoff: string; population: string; endpoint: string; rule: string; revision?: number }): string {
  // revision: how many runs of this cutoff were voided before; 0 keeps the ids alerts always had.
  const revision = parts.revision ?? 0;
  const key = [parts.planVersion, parts.cutoff, parts.population, parts.endpoint, parts.rule, ...(revision > 0 ? [`r${revision}`] : [])].join('|');
  return `al-${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
}

/** RFC 5322 Message-ID of an alert's mail: the same for every delivery attempt of that alert. */
export function messageIdFor(alertIdValue: string, from: string): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'cohortwatch.invalid';
  return `<${alertIdValue}@${domain}>`;
}
