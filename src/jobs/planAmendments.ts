import type { Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import { checkAmendment } from '../analysis/planAmendment.ts';
import type { AmendmentCheck } from '../analysis/planAmendment.ts';
import { parsePlanDocument, planHash } from '../analysis/planDocument.ts';
import type { PlanDocument } from '../analysis/planDocument.ts';
import { DEFAULT_PLAN, planFromDocument } from '../analysis/plan.ts';
import type { AnalysisPlan } from '../analysis/plan.ts';
import { loadEstimandLooks, lookHistoryRuns } from './previousLooks.ts';

export interface PlanHistoryEntry {
  /** null for the shipped plan (the origin of the history, not a stored row). */
  readonly id: number | null;
  readonly version: string;
  readonly hash: string;
  /** null for the shipped plan: in force from the first look. */
  readonly effectiveFrom: string | null;
  readonly reason: string;
  readonly by: string;
  readonly recordedAt: string | null;
}

/** A plan amendment was refused: one line per problem. */
export class AmendmentRefusedError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`plan amendment refused:\n${problems.join('\n')}`);
  }
}

function storedPlan(document: unknown, version: string): AnalysisPlan {
  const parsed = parsePlanDocument(document);
  if (!parsed.ok) throw new Error(`stored plan ${version} no longer validates: ${parsed.problems.join('; ')}`);
  return planFromDocument(parsed.document);
}

/** The plan that judges a look at `cutoff`: the latest amendment effective on or before it, else the shipped plan. */
export async function planAt(db: Kysely<Database>, cutoff: string, shipped: AnalysisPlan): Promise<AnalysisPlan> {
  const row = await db.selectFrom('plan_amendments').select(['document', 'version'])
    .where('effective_from', '<=', cutoff).orderBy('effective_from', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row ? storedPlan(row.document, row.version) : shipped;
}

/** The plan in force for the next looks: the latest amendment, else the shipped plan. */
export async function currentPlan(db: Kysely<Database>, shipped: AnalysisPlan): Promise<AnalysisPlan> {
  const row = await db.selectFrom('plan_amendments').select(['document', 'version'])
    .orderBy('effective_from', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row ? storedPlan(row.document, row.version) : shipped;
}

export async function planHistory(db: Kysely<Database>, shipped: AnalysisPlan): Promise<PlanHistoryEntry[]> {
  const rows = await db.selectFrom('plan_amendments').selectAll().orderBy('effective_from').orderBy('id').execute();
  return [
    { id: null, version: shipped.version, hash: shipped.hash, effectiveFrom: null, reason: 'shipped plan', by: 'CohortWatch', recordedAt: null },
    ...rows.map((r) => ({
      id: r.id, version: r.version, hash: r.plan_hash, effectiveFrom: r.effective_from, reason: r.reason, by: r.amended_by,
      recordedAt: r.created_at.toISOString(),
    })),
  ];
}

export interface AmendInput {
  readonly document: PlanDocument;
  readonly effectiveFrom: string;
  readonly reason: string;
  readonly by: string;
}

/**
 * Appends an amendment after checking the amendment rules (src/analysis/planAmendment.ts) against the
 * stored looks, under the reanalysis' lock so that no look is taken between the check and the insert.
 * Refused: AmendmentRefusedError with one line per problem, nothing written.
 */
export async function amendPlan(db: Kysely<Database>, shipped: AnalysisPlan, input: AmendInput): Promise<{ id: number; check: AmendmentCheck; plan: AnalysisPlan }> {
  const proposed = planFromDocument(input.document);
  return db.transaction().execute(async (trx) => {
    await trx.selectNoFrom((eb) => eb.fn('pg_advisory_xact_lock', [eb.fn('hashtext', [eb.val('cohortwatch-reanalysis')])]).as('locked')).execute();
    const versions = await trx.selectFrom('plan_amendments').select('version').execute();
    const last = await trx.selectFrom('plan_amendments').select('effective_from').orderBy('effective_from', 'desc').limit(1).executeTakeFirst();
    const latest = await lookHistoryRuns(trx).select('analysis_runs.cutoff').orderBy('analysis_runs.cutoff', 'desc').limit(1).executeTakeFirst();
    const check = checkAmendment(proposed, input.effectiveFrom, {
      current: await currentPlan(trx, shipped),
      knownVersions: [shipped.version, ...versions.map((v) => v.version)],
      lastEffectiveFrom: last?.effective_from ?? null,
      latestCutoff: latest?.cutoff ?? null,
      looks: await loadEstimandLooks(trx),
    });
    const problems = [
      ...(input.reason.trim() === '' ? ['reason: must not be empty'] : []),
      ...(input.by.trim() === '' ? ['by: must not be empty'] : []),
      ...check.problems,
    ];
    if (problems.length > 0) throw new AmendmentRefusedError(problems);
    const row = await trx.insertInto('plan_amendments').values({
      version: proposed.version, plan_hash: planHash(input.document), document: JSON.stringify(input.document),
      effective_from: input.effectiveFrom, reason: input.reason.trim(), amended_by: input.by.trim(),
    }).returning('id').executeTakeFirstOrThrow();
    return { id: row.id, check, plan: proposed };
  });
}

/**
 * The plan a stored run used, from the document stored with it (describePlan adds its hash and families,
 * which are not document fields). Runs stored before monitoring plan v2 fall back to the shipped plan,
 * which is what their report pages were built with.
 */
export function runPlanOf(run: { plan: Record<string, unknown>; plan_version: string }, shipped: AnalysisPlan = DEFAULT_PLAN): AnalysisPlan {
  const { hash: _hash, families: _families, ...document } = run.plan;
  const parsed = parsePlanDocument(document);
  return parsed.ok ? planFromDocument(parsed.document) : shipped;
}
