import type { PipelineTables } from './pipelineTables.ts';
import type { AnalysisTables } from './analysisTables.ts';
import type { ServeTables } from './serveTables.ts';
import type { SignalTables } from './signalTables.ts';

/** The whole schema as Kysely sees it: the event pipeline's tables, the reanalysis' tables, serve's accounts and the signals'. */
export interface Database extends PipelineTables, AnalysisTables, ServeTables, SignalTables {}
