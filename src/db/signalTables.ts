// Tables of the signal lifecycle (migrations/2026_11_30_070_signals.ts, 090_signal_withdrawal.ts). DATE columns are 'YYYY-MM-DD' text.
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface SignalsTable {
  id: Generated<number>;
  population: string;
  endpoint: string;
  rule: 'boundary' | 'departure' | 'drift' | 'state';
  state: 'open' | 'acknowledged' | 'closed' | 'withdrawn';
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
  action: 'opened' | 'updated' | 'acknowledged' | 'closed' | 'reopened' | 'reminded' | 'withdrawn';
  comment: string;
  run_id: number | null;
  cutoff: string | null;
  /** The signal's state after this action (migrations/2026_11_30_090_signal_withdrawal.ts); null on earlier rows. */
  state: 'open' | 'acknowledged' | 'closed' | 'withdrawn' | null;
  /** A look's rows: the evidence it brought (what a withdrawal restores); null otherwise and on earlier rows. */
  evidence: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
}

export interface SignalTables {
  signals: SignalsTable;
  signal_events: SignalEventsTable;
}
