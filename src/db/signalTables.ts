// Tables of the signal lifecycle (migrations/2026_11_30_070_signals.ts). DATE columns are 'YYYY-MM-DD' text.
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface SignalsTable {
  id: Generated<number>;
  population: string;
  endpoint: string;
  rule: 'boundary' | 'departure' | 'drift' | 'state';
  state: 'open' | 'acknowledged' | 'closed';
  opened_at_cutoff: string;
  last_cutoff: string;
  evidence: ColumnType<Record<string, unknown>, string, string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Append-only (a trigger refuses UPDATE, DELETE and TRUNCATE). */
export interface SignalEventsTable {
  id: Generated<number>;
  signal_id: number;
  at: Timestamp;
  by: string;
  action: 'opened' | 'updated' | 'acknowledged' | 'closed' | 'reopened' | 'reminded';
  comment: string;
  run_id: number | null;
  cutoff: string | null;
}

export interface SignalTables {
  signals: SignalsTable;
  signal_events: SignalEventsTable;
}
