import type { PipelineTables } from './pipelineTables.ts';
import type { AnalysisTables } from './analysisTables.ts';
import type { ServeTables } from './serveTables.ts';

/** The whole schema as Kysely sees it: the event pipeline's tables, the reanalysis' tables and serve's accounts. */
export interface Database extends PipelineTables, AnalysisTables, ServeTables {}
