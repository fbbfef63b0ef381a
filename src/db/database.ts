import type { PipelineTables } from './pipelineTables.ts';
import type { AnalysisTables } from './analysisTables.ts';

/** The whole schema as Kysely sees it: the event pipeline's tables and the reanalysis' tables. */
export interface Database extends PipelineTables, AnalysisTables {}
