// Tables of the follow-up event pipeline (owned by the pipeline layer; created by
// migrations/2026_11_26_0xx_*.ts). Column names are snake_case as in SQL; no casing plugin, so raw
// SQL and Kysely queries read the same.
//
// Type decisions made once in src/db/connect.ts: DATE columns are 'YYYY-MM-DD' strings (never a
// local-time Date), int8 (bigserial ids, counts) are JS numbers, timestamptz are Date.
import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { RejectionCode } from '../contract/rejectionCode.ts';

/** A JSON value as stored in jsonb. */
export type Json = string | number | boolean | null | Json[] | JsonObject;
export interface JsonObject { [key: string]: Json }
/** A jsonb column holding an object or array; written as JSON text (JSON.stringify). */
export type JsonDocument = JsonObject | Json[];

/** A calendar date as PostgreSQL DATE, read and written as 'YYYY-MM-DD'. */
export type DateString = string;

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

/** Every accepted event, append-only: the source of truth every timeline is rebuilt from. */
export interface FollowUpEventTable {
  event_id: string;
  patient_id: string;
  type: string;
  occurred_on: DateString;
  reported_at: ColumnType<Date, Date | string, never>;
  received_at: CreatedAt;
  centre: string | null;
  payload: JSONColumnType<JsonDocument>;
  /** payloadHash(event) of the first payload stored under this eventId. */
  payload_hash: string;
}

/** Events that were never applied: invalid ones and same-id-different-payload conflicts. */
export interface RejectedEventTable {
  id: Generated<number>;
  /** Makes recording idempotent: a redelivered rejection is stored once. */
  fingerprint: string;
  kind: 'invalid' | 'conflict';
  event_id: string | null;
  patient_id: string | null;
  reason: string;
  /** The parsed payload when it was small enough to keep; otherwise null and raw_excerpt is set. */
  payload: JSONColumnType<JsonDocument> | null;
  raw_excerpt: string | null;
  payload_bytes: number;
  payload_hash: string | null;
  /** For a conflict: the hash of the first payload, which stands. */
  existing_payload_hash: string | null;
  /** Why, as a closed code; `unclassified` for rejections recorded before codes were stored. */
  code: RejectionCode | 'unclassified';
  /** The event's own reportedAt when it was readable (null otherwise: placed by rejected_at). */
  reported_at: Date | null;
  rejected_at: CreatedAt;
}

/** One row per registered patient: the current (latest) baseline. */
export interface PatientTable {
  patient_id: string;
  centre: string | null;
  ptr_date: DateString;
  registration_event_id: string;
  baseline: JSONColumnType<JsonDocument>;
  updated_at: UpdatedAt;
}

/** Every registration ever accepted for a patient; corrections keep the replaced baselines here. */
export interface BaselineHistoryTable {
  event_id: string;
  patient_id: string;
  ptr_date: DateString;
  centre: string | null;
  baseline: JSONColumnType<JsonDocument>;
  reported_at: ColumnType<Date, Date | string, never>;
  recorded_at: CreatedAt;
}

/** The patient's derived timeline as of the last rebuild (cutoff = the rebuild's time). */
export interface TimelineTable {
  patient_id: string;
  registered: boolean;
  ptr_date: DateString | null;
  last_known_on: DateString | null;
  os_days: number | null;
  os_status: number | null;
  pfs_days: number | null;
  pfs_status: number | null;
  lrr_days: number | null;
  lrr_status: number | null;
  dp_days: number | null;
  dp_status: number | null;
  /** Data-quality conflicts (events before PTR, after death) with their reasons. */
  conflicts: JSONColumnType<JsonDocument>;
  event_count: number;
  as_of: ColumnType<Date, Date | string, Date | string>;
  updated_at: UpdatedAt;
}

/** What changed and why: one row per stored event, rejection, baseline correction or timeline change. */
export interface AuditLogTable {
  id: Generated<number>;
  at: CreatedAt;
  action: 'event_stored' | 'event_rejected' | 'conflict_rejected' | 'baseline_set' | 'baseline_corrected' | 'timeline_changed';
  patient_id: string | null;
  event_id: string | null;
  reason: string;
  before: JSONColumnType<JsonDocument> | null;
  after: JSONColumnType<JsonDocument> | null;
}

/** Each patient's stored-event count and sum of hashtext(event_id), kept by triggers on follow_up_events. */
export interface PatientEventCountTable {
  patient_id: string;
  event_count: number;
  id_hash: number;
}

export interface PipelineTables {
  follow_up_events: FollowUpEventTable;
  rejected_events: RejectedEventTable;
  patients: PatientTable;
  baseline_history: BaselineHistoryTable;
  timelines: TimelineTable;
  audit_log: AuditLogTable;
  patient_event_counts: PatientEventCountTable;
}
