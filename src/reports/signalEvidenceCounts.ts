// A signal's evidence carries the estimand's event counts at its look (total, PORT, PTR alone). Every
// place that shows a signal (dashboard, `signals list|show --json`, GET /api/v1/signals) prints them
// through this one decision, so a small arm count is hidden the same way everywhere: the total is
// PORT + PTR alone, suppressed as one row (src/reports/suppression.ts).
import type { SignalEvidence, SignalView } from '../analysis/signals/index.ts';
import { exportedCount, suppressRow } from './suppression.ts';
import type { CellStatus } from './suppression.ts';

export interface EvidenceCountStatuses {
  readonly events: CellStatus | null;
  readonly eventsPort: CellStatus | null;
  readonly eventsNoPort: CellStatus | null;
}

/** The status of each evidence count (null where the count itself is null). */
export function evidenceCountStatuses(e: SignalEvidence, smallCellMin: number): EvidenceCountStatuses {
  if (e.events === null) return { events: null, eventsPort: null, eventsNoPort: null };
  if (e.eventsPort === null || e.eventsNoPort === null) {
    const alone: CellStatus = e.events > 0 && e.events < smallCellMin ? 'small' : 'shown';
    // Without both arms no relation ties the printed counts together: each is judged on its own.
    const lone = (n: number | null): CellStatus | null => (n === null ? null : n > 0 && n < smallCellMin ? 'small' : 'shown');
    return { events: alone, eventsPort: lone(e.eventsPort), eventsNoPort: lone(e.eventsNoPort) };
  }
  const row = suppressRow(e.events, [e.eventsPort, e.eventsNoPort], smallCellMin);
  return { events: row.total, eventsPort: row.parts[0], eventsNoPort: row.parts[1] };
}

/** Evidence as exported (JSON): counts as integers, "<11" or ">=11", never a hidden value. */
export type PublicEvidence = Omit<SignalEvidence, 'events' | 'eventsPort' | 'eventsNoPort'> & {
  readonly events: number | string | null;
  readonly eventsPort: number | string | null;
  readonly eventsNoPort: number | string | null;
};

export function publicEvidence(e: SignalEvidence, smallCellMin: number): PublicEvidence {
  const s = evidenceCountStatuses(e, smallCellMin);
  const out = (n: number | null, status: CellStatus | null) => (n === null || status === null ? null : exportedCount(n, status, smallCellMin));
  return { ...e, events: out(e.events, s.events), eventsPort: out(e.eventsPort, s.eventsPort), eventsNoPort: out(e.eventsNoPort, s.eventsNoPort) };
}

/** The JSON shape of a signal (`signals list|show --json`, GET /api/v1/signals): the shape, counts suppressed. */
export function signalJson(s: SignalView, smallCellMin: number) {
  return {
    id: s.id, population: s.population, endpoint: s.endpoint, rule: s.rule, state: s.state,
    openedAtCutoff: s.openedAtCutoff, lastCutoff: s.lastCutoff, evidence: publicEvidence(s.evidence, smallCellMin), history: s.history,
  };
}
