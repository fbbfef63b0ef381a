// Tables of the reanalysis, alerts and outbox (owned by the analysis layer; see migrations/).
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AnalysisTables {}
