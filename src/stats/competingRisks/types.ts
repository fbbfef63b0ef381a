import type { Band } from '../km/types.ts';

/** Right-censored competing-risks data: `status[i]` is 0 for censored or c ≥ 1 for `causes[c − 1]`. */
export interface CompetingRisksData {
  time: Float64Array;
  status: Int32Array;
  causes: readonly string[];
  weights?: Float64Array;
}

/**
 * Aalen-Johansen curves of one group, one row per distinct time. States are indexed as in R's survfit:
 * 0 = event-free "(s0)", c = cause c. `pstate[c]` for c ≥ 1 is the cumulative incidence of cause c.
 */
export interface CifTable {
  time: Float64Array;
  nRisk: Float64Array;
  nCensor: Float64Array;
  nEvent: Float64Array[];
  pstate: Float64Array[];
  /** Infinitesimal-jackknife standard errors (R's multi-state survfit default). */
  stdErr: Float64Array[];
  band: Band[];
}

export interface CifAtTimes {
  time: Float64Array;
  beyondLastTime: boolean[];
  nRisk: Float64Array;
  pstate: Float64Array[];
  stdErr: Float64Array[];
  band: Band[];
}

export interface CifCurve {
  group: string | null;
  n: number;
  /** "(s0)" followed by the causes. */
  states: string[];
  table: CifTable;
  at: CifAtTimes | null;
}
