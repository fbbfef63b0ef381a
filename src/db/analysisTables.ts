// Tables of the reanalysis, alerts and outbox (owned by the analysis layer; see
// migrations/2026_11_26_100_analysis_tables.ts). DATE columns are 'YYYY-MM-DD' text, int8 numbers (src/db/connect.ts).
import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T extends object> = JSONColumnType<T, string, string>;

export interface AnalysisRunsTable {
  id: Generated<number>;
  cutoff: string;
  plan_version: string;
  /** SHA-256 of the plan document the run used (migration 040); null for runs before it. */
  plan_hash: ColumnType<string | null, string | null | undefined, string | null>;
  code_version: string;
  status: 'running' | 'completed' | 'failed';
  look: number;
  dataset_hash: string | null;
  patients: number | null;
  plan: Json<Record<string, unknown>>;
  /** The run's curves and tables (KM/CIF, follow-up, replication, flow): see src/analysis/runResults.ts. */
  results: ColumnType<unknown, string | null | undefined, string | null>;
  timings: ColumnType<Record<string, number> | null, string | null | undefined, string | null>;
  error: string | null;
  started_at: Timestamp;
  finished_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** A voided run stays as an audit record but is no look: history reads filter on `voided_at is null`. */
  voided_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  void_reason: string | null;
  voided_by: string | null;
}

export interface AnalysisEstimatesTable {
  id: Generated<number>;
  run_id: number;
  population: string;
  endpoint: string;
  model: string;
  term: string;
  is_primary: Generated<boolean>;
  n: number;
  events: number;
  events_port: number | null;
  events_no_port: number | null;
  coef: number | null;
  se: number | null;
  hr: number | null;
  lower: number | null;
  upper: number | null;
  z: number | null;
  p: number | null;
  information_fraction: number | null;
  boundary_z: number | null;
  repeated_lower: number | null;
  repeated_upper: number | null;
  details: ColumnType<Record<string, unknown>, string | undefined, string>;
}

export interface AlertsTable {
  id: string;
  run_id: number;
  population: string;
  endpoint: string;
  rule: 'boundary' | 'departure' | 'drift' | 'validity' | 'state';
  status: 'fired' | 'held';
  summary: string;
  evidence: ColumnType<Record<string, unknown>, string, string>;
  created_at: Timestamp;
  /** Set when the alert's look was voided. */
  voided_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface InvestigatorsTable {
  id: Generated<number>;
  email: string;
  name: string;
  created_at: Timestamp;
}

export interface SubscriptionsTable {
  investigator_id: number;
  population: string;
  endpoint: string;
}

export interface MailOutboxTable {
  id: Generated<number>;
  /** Null for a look's digest (migration 070), which is keyed by run_id and recipient instead. */
  alert_id: string | null;
  /** The look of a digest (one per investigator per look). */
  run_id: ColumnType<number | null, number | null | undefined, number | null>;
  recipient: string;
  message_id: string;
  subject: string;
  text_body: string;
  html_body: string;
  /** pending: queued; failed: the queue's attempts ran out, retried at next_attempt_at; cancelled by an operator. */
  status: ColumnType<MailState, MailState | undefined, MailState>;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: Timestamp;
  sent_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** How many times the mail went back to the queue after its attempts ran out. */
  retry_rounds: Generated<number>;
  next_attempt_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  cancelled_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  cancel_reason: string | null;
}

export const MAIL_STATES = ['pending', 'failed', 'sent', 'cancelled'] as const;
export type MailState = typeof MAIL_STATES[number];

/** Operator notices (OPS_EMAIL) already sent, one per condition key. */
export interface OpsNoticesTable {
  key: string;
  subject: string;
  sent_at: Timestamp;
}

/** Append-only history of the monitoring plan (migration 040). */
export interface PlanAmendmentsTable {
  id: Generated<number>;
  version: string;
  plan_hash: string;
  document: ColumnType<Record<string, unknown>, string, never>;
  effective_from: string;
  reason: string;
  amended_by: string;
  created_at: Timestamp;
}

/** One primary estimand at one look: its sequential state (src/analysis/monitoring/types.ts EstimandLook). */
export interface MonitoringLooksTable {
  run_id: number;
  population: string;
  endpoint: string;
  plan_version: string;
  family: string;
  state: 'accruing' | 'monitoring' | 'futility' | 'crossed' | 'complete';
  side: 'benefit' | 'harm' | null;
  events: number;
  max_events: number | null;
  information_fraction: number | null;
  alpha: number;
  alpha_spent: number;
  boundary_z: number | null;
  boundary_hr_lower: number | null;
  boundary_hr_upper: number | null;
  coef: number | null;
  se: number | null;
  hr: number | null;
  z: number | null;
  repeated_lower: number | null;
  repeated_upper: number | null;
  conditional_power_trend: number | null;
  conditional_power_design: number | null;
  statement: string | null;
  note: string | null;
}

export interface AnalysisTables {
  plan_amendments: PlanAmendmentsTable;
  monitoring_looks: MonitoringLooksTable;
  analysis_runs: AnalysisRunsTable;
  analysis_estimates: AnalysisEstimatesTable;
  alerts: AlertsTable;
  investigators: InvestigatorsTable;
  subscriptions: SubscriptionsTable;
  mail_outbox: MailOutboxTable;
  ops_notices: OpsNoticesTable;
}
