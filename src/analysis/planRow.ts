// The columns of the analysis dataset (the pipeline's AnalysisRow, one per patient as of a cutoff)
// that the plan reads. Declared structurally so the pure plan depends on the export's shape, not on
// its module: any AnalysisRow is a PlanRow.
export type EndpointStatus = 0 | 1 | 2;

export interface PlanRow {
  readonly tCategory: string | null;
  readonly nCategory: string | null;
  readonly metastasisCount: number | null;
  readonly metastaticBurden: string | null;
  readonly boneOnly: boolean | null;
  readonly ptrType: string | null;
  readonly axillarySurgery: string | null;
  readonly chemotherapy: string | null;
  readonly hormonalTherapy: boolean | null;
  readonly antiHer2: boolean | null;
  readonly allMetastasesTreated: boolean | null;
  readonly tnbc: boolean | null;
  readonly group: string;
  readonly port: boolean;
  readonly osDays: number;
  readonly osStatus: number;
  readonly pfsDays: number;
  readonly pfsStatus: number;
  readonly lrrDays: number;
  readonly lrrStatus: number;
  readonly dpDays: number;
  readonly dpStatus: number;
}
