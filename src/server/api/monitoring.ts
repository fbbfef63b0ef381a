// GET /api/v1/monitoring: the same JSON as `cohortwatch monitoring --json` (monitoringReport), and
// the schema that documents it in the OpenAPI document (fastify serialises only the declared fields).
import type { Kysely } from 'kysely';
import { CutoffError, parseCutoffDate } from '../../analysis/lookSchedule.ts';
import type { MonitoringJson } from '../../analysis/monitoringJson.ts';
import type { Database } from '../../db/database.ts';
import { monitoringReport } from '../../jobs/monitoringReport.ts';

const STATES = ['accruing', 'monitoring', 'futility', 'crossed', 'complete'] as const;
const nullableNumber = { type: ['number', 'null'] } as const;

const lookSchema = {
  type: 'object',
  required: ['cutoff', 'events', 'informationFraction', 'alphaSpent', 'boundaryZ', 'z', 'state'],
  properties: {
    cutoff: { type: 'string', format: 'date' },
    events: { type: 'integer' },
    informationFraction: nullableNumber,
    alphaSpent: { type: 'number', description: 'cumulative two-sided alpha spent by the estimand\'s family up to this look' },
    boundaryZ: { ...nullableNumber, description: 'two-sided critical |z|; null for a look that spends nothing' },
    z: nullableNumber,
    state: { type: 'string', enum: STATES },
  },
} as const;

export const monitoringSchema = {
  type: 'array',
  description: 'Every primary estimand of the plan in force on the as-of date (then any estimand with looks that left the plan), in plan order.',
  items: {
    type: 'object',
    required: ['population', 'endpoint', 'state', 'side', 'maxEvents', 'events', 'informationFraction', 'alpha', 'alphaSpent', 'coef', 'se', 'hr', 'z',
      'boundaryZ', 'repeatedLower', 'repeatedUpper', 'conditionalPower', 'looks'],
    properties: {
      population: { type: 'string', enum: ['all', 'group1', 'group2', 'group3'] },
      endpoint: { type: 'string', enum: ['os', 'pfs', 'lrr', 'dp'] },
      state: { type: 'string', enum: STATES },
      side: { type: ['string', 'null'], enum: ['benefit', 'harm', null], description: 'the side a crossed boundary was crossed on' },
      maxEvents: { type: ['integer', 'null'], description: 'the design\'s maximum events at the latest look (null: calendar rule, or no look yet)' },
      events: { type: ['integer', 'null'] },
      informationFraction: nullableNumber,
      alpha: { type: 'number', description: 'two-sided alpha of the current spending family' },
      alphaSpent: { type: 'number' },
      coef: nullableNumber, se: nullableNumber, hr: nullableNumber, z: nullableNumber, boundaryZ: nullableNumber,
      repeatedLower: nullableNumber, repeatedUpper: nullableNumber,
      conditionalPower: { type: 'object', required: ['trend', 'design'], properties: { trend: nullableNumber, design: nullableNumber } },
      looks: { type: 'array', items: lookSchema },
    },
  },
} as const;

/** A query parameter that is not a calendar date. */
export class AsOfError extends Error {
  override name = 'AsOfError';
}

const today = () => new Date().toISOString().slice(0, 10);

/** The as-of date of a request (default: today, UTC); AsOfError when it is not YYYY-MM-DD. */
export function asOfDate(value: unknown): string {
  if (value === undefined) return today();
  const text = typeof value === 'string' ? value : '';
  try {
    return parseCutoffDate(text);
  } catch (error) {
    if (error instanceof CutoffError) {
      throw new AsOfError(`asOf must be a calendar date YYYY-MM-DD, not ${typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : 'a repeated parameter'}`);
    }
    throw error;
  }
}

export function apiMonitoring(db: Kysely<Database>, asOf: string): Promise<MonitoringJson> {
  return monitoringReport(db, asOf);
}
