// Entry of the worker thread started by runPlanInThread.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { parsePlanDocument } from '../analysis/planDocument.ts';
import { planFromDocument } from '../analysis/plan.ts';
import { runPlan } from '../analysis/runPlan.ts';
import type { PlanShareInput } from './runPlanInThread.ts';

const { input } = workerData as { input: PlanShareInput };
try {
  const parsed = parsePlanDocument(input.document);
  if (!parsed.ok) throw new Error(`invalid plan document: ${parsed.problems.join('; ')}`);
  const result = runPlan(planFromDocument(parsed.document), input.rows, { scope: input.scope ?? 'full', ...(input.share ? { share: input.share } : {}) });
  parentPort?.postMessage({ ok: true, result });
} catch (error) {
  parentPort?.postMessage({ ok: false, error: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error) });
}
