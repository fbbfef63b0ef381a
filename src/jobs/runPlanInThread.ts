import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { planFromDocument } from '../analysis/plan.ts';
import type { PlanRow } from '../analysis/planRow.ts';
import type { PlanDocument } from '../analysis/planDocument.ts';
import type { PlanRunResult } from '../analysis/runResult.ts';
import { mergePlanShares } from '../analysis/runPlan.ts';

export interface PlanThreadInput {
  /** The plan in force (a document: amended plans exist only as documents, and predicates do not cross threads). */
  readonly document: PlanDocument;
  readonly rows: readonly PlanRow[];
  readonly scope?: 'full' | 'alerts';
  /** Threads sharing the plan's (population, endpoint) pairs; default min(2, available cores). */
  readonly threads?: number;
}

/** What one thread runs: the input, and the shared ticket counter of the pairs (none = all of them). */
export interface PlanShareInput extends PlanThreadInput {
  readonly tickets?: SharedArrayBuffer;
}

/** Two threads: the fits of one pair are sequential, and a worker process has other work too. */
const DEFAULT_THREADS = Math.max(1, Math.min(2, os.availableParallelism()));

// The thread loads TypeScript itself (tsx), whatever loader the parent runs under (tsx CLI, vitest).
// tsx is resolved here, from this file, not by the thread: an eval'd thread resolves bare names from the
// process's working directory, which need not be the project (`cohortwatch` run from elsewhere).
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
import(workerData.tsx).then((tsx) => { tsx.register(); return import(workerData.entry); });
`;
const TSX_API = import.meta.resolve('tsx/esm/api');

/**
 * Runs the plan in worker threads: the fits are CPU-bound for seconds at 100k patients, and on the
 * main thread they would block the event loop that renews the BullMQ job lock (a stalled job runs
 * twice). With two or more threads each takes the next (population, endpoint) pair whenever it is
 * free, and the shares are merged in plan order: the same records, in the same order, as one thread's.
 */
export async function runPlanInThread(input: PlanThreadInput): Promise<PlanRunResult> {
  const count = Math.max(1, Math.floor(input.threads ?? DEFAULT_THREADS));
  if (count === 1) return runShare(input);
  const tickets = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
  const shares = await Promise.all(Array.from({ length: count }, () => runShare({ ...input, tickets })));
  return mergePlanShares(planFromDocument(input.document), shares);
}

function runShare(input: PlanShareInput): Promise<PlanRunResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(BOOTSTRAP, {
      eval: true,
      workerData: { entry: new URL('./planThread.ts', import.meta.url).href, tsx: TSX_API, input },
    });
    let settled = false;
    worker.once('message', (message: { ok: true; result: PlanRunResult } | { ok: false; error: string }) => {
      settled = true;
      if (message.ok) resolve(message.result);
      else reject(new Error(message.error));
      void worker.terminate();
    });
    worker.once('error', (error) => { settled = true; reject(error); });
    worker.once('exit', (code) => { if (!settled) reject(new Error(`plan thread exited with code ${code}`)); });
  });
}
