// GET /api/v1/signals: the signals and their audit trail, the JSON of `cohortwatch signals list --json`
// (listSignals). Aggregates and staff actions only: no patient id, no patient date.
import type { Kysely } from 'kysely';
import { AUDIT_ACTIONS, SIGNAL_STATES } from '../../analysis/signals/index.ts';
import type { SignalState } from '../../analysis/signals/index.ts';
import type { Database } from '../../db/database.ts';
import { listSignals } from '../../jobs/signalStore.ts';
import { signalJson } from '../../reports/signalEvidenceCounts.ts';

const nullableNumber = { type: ['number', 'null'] } as const;

/** A count as exported: the integer, or "<11" / ">=11" when small-cell suppression hides it. */
const suppressedCount = { type: ['integer', 'string', 'null'], description: 'a count, or "<k" / ">=k" when suppressed (SMALL_CELL_MIN = k)' } as const;

export const signalsSchema = {
  type: 'array',
  description: 'Signals, newest first, each with the evidence of its latest look and its audit trail.',
  items: {
    type: 'object',
    required: ['id', 'population', 'endpoint', 'rule', 'state', 'openedAtCutoff', 'lastCutoff', 'evidence', 'history'],
    properties: {
      id: { type: 'integer' },
      population: { type: 'string', enum: ['all', 'group1', 'group2', 'group3'] },
      endpoint: { type: 'string', enum: ['os', 'pfs', 'lrr', 'dp'] },
      rule: { type: 'string', enum: ['boundary', 'departure', 'drift', 'state'] },
      state: { type: 'string', enum: SIGNAL_STATES },
      openedAtCutoff: { type: 'string', format: 'date' },
      lastCutoff: { type: 'string', format: 'date' },
      evidence: {
        type: 'object',
        description: 'the monitoring model\'s PORT estimate at the look that last changed the signal (aggregates only)',
        properties: {
          look: { type: 'integer' }, cutoff: { type: 'string', format: 'date' }, planVersion: { type: 'string' }, alertId: { type: 'string' },
          summary: { type: 'string' }, hr: nullableNumber, lower: nullableNumber, upper: nullableNumber, repeatedLower: nullableNumber,
          repeatedUpper: nullableNumber, z: nullableNumber, boundaryZ: nullableNumber, informationFraction: nullableNumber, alpha: nullableNumber,
          events: suppressedCount, eventsPort: suppressedCount, eventsNoPort: suppressedCount,
          monitoringState: { type: ['string', 'null'] }, paperHr: nullableNumber, excludesPaper: { type: ['boolean', 'null'] },
          holds: { type: 'array', items: { type: 'string' } },
        },
      },
      history: {
        type: 'array',
        items: {
          type: 'object',
          required: ['at', 'by', 'action', 'comment'],
          properties: {
            at: { type: 'string', format: 'date-time' },
            by: { type: 'string', description: 'the e-mail address of who acted, or "cohortwatch" for a look' },
            action: { type: 'string', enum: [...AUDIT_ACTIONS] },
            comment: { type: 'string', description: 'the comment or decision (free text)' },
          },
        },
      },
    },
  },
} as const;

export function isSignalState(value: unknown): value is SignalState {
  return typeof value === 'string' && (SIGNAL_STATES as readonly string[]).includes(value);
}

export async function apiSignals(db: Kysely<Database>, state: SignalState | undefined, smallCellMin: number) {
  return (await listSignals(db, state === undefined ? {} : { state })).map((s) => signalJson(s, smallCellMin));
}
