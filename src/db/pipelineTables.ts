// Tables of the follow-up event pipeline (owned by the pipeline layer; see migrations/).
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface PipelineTables {}
