// One row of the analysis dataset (`cohortwatch export`): exactly these keys, in this order, as JSON
// object keys and as the CSV header. Baseline fields follow the contract's order; `port` sits after
// the subgroups, where the export spec lists it, ahead of the four endpoints.
import type { PatientBaseline, Timeline } from './types.ts';
import { groupOf, tnbcOf } from './subgroups.ts';
import type { Subgroup } from './subgroups.ts';

export const BASELINE_COLUMNS = [
  'ageAtPtr', 'tCategory', 'nCategory', 'er', 'pr', 'her2', 'metastasisCount', 'metastaticBurden', 'boneOnly',
  'ptrType', 'axillarySurgery', 'chemotherapy', 'hormonalTherapy', 'antiHer2', 'allMetastasesTreated', 'portStartedOn',
] as const satisfies readonly Exclude<keyof PatientBaseline, 'port'>[];

export const ANALYSIS_COLUMNS = [
  'patientId', 'centre', ...BASELINE_COLUMNS, 'tnbc', 'group', 'port',
  'osDays', 'osStatus', 'pfsDays', 'pfsStatus', 'lrrDays', 'lrrStatus', 'dpDays', 'dpStatus',
] as const;

export type AnalysisColumn = (typeof ANALYSIS_COLUMNS)[number];

export type AnalysisRow = {
  readonly patientId: string;
  readonly centre: string | null;
  readonly tnbc: boolean | null;
  readonly group: Subgroup;
  readonly osDays: number;
  readonly osStatus: 0 | 1;
  readonly pfsDays: number;
  readonly pfsStatus: 0 | 1;
  readonly lrrDays: number;
  readonly lrrStatus: 0 | 1 | 2;
  readonly dpDays: number;
  readonly dpStatus: 0 | 1 | 2;
} & { readonly [K in (typeof BASELINE_COLUMNS)[number] | 'port']: PatientBaseline[K] };

// Compile-time proof that the column list and the row type name the same keys.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const columnsMatchRow: Same<AnalysisColumn, keyof AnalysisRow> = true;
void columnsMatchRow;

export function toAnalysisRow(patientId: string, centre: string | null, timeline: Timeline): AnalysisRow {
  const b = timeline.baseline;
  // Built key by key in ANALYSIS_COLUMNS order so JSON.stringify emits the same order as the CSV.
  return {
    patientId,
    centre,
    ageAtPtr: b.ageAtPtr,
    tCategory: b.tCategory,
    nCategory: b.nCategory,
    er: b.er,
    pr: b.pr,
    her2: b.her2,
    metastasisCount: b.metastasisCount,
    metastaticBurden: b.metastaticBurden,
    boneOnly: b.boneOnly,
    ptrType: b.ptrType,
    axillarySurgery: b.axillarySurgery,
    chemotherapy: b.chemotherapy,
    hormonalTherapy: b.hormonalTherapy,
    antiHer2: b.antiHer2,
    allMetastasesTreated: b.allMetastasesTreated,
    portStartedOn: b.portStartedOn,
    tnbc: tnbcOf(b),
    group: groupOf(b),
    port: b.port,
    osDays: timeline.os.days,
    osStatus: timeline.os.status,
    pfsDays: timeline.pfs.days,
    pfsStatus: timeline.pfs.status,
    lrrDays: timeline.lrr.days,
    lrrStatus: timeline.lrr.status,
    dpDays: timeline.dp.days,
    dpStatus: timeline.dp.status,
  };
}
