// Entry of the worker thread started by runPlanInThread.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { planByVersion } from '../analysis/plan.ts';
import { runPlan } from '../analysis/runPlan.ts';
import type { PlanThreadInput } from './runPlanInThread.ts';

const { input } = workerData as { input: PlanThreadInput };
try {
  const result = runPlan(planByVersion(input.planVersion), input.rows, input.previousFractions);
  parentPort?.postMessage({ ok: true, result });
} catch (error) {
  parentPort?.postMessage({ ok: false, error: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error) });
}
