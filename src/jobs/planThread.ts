// Entry of the plan threads kept by runPlanInThread.ts: one share of a run per message, for as long as
// the thread is kept (its compiled code stays warm from one look to the next).
import { parentPort } from 'node:worker_threads';
import { parsePlanDocument } from '../analysis/planDocument.ts';
import { planFromDocument } from '../analysis/plan.ts';
import { runPlan } from '../analysis/runPlan.ts';
import type { PlanShareRequest, PlanShareReply } from './runPlanInThread.ts';

/**
 * Pairs handed out as threads become free: a thread holds the ticket of the next pair it will run
 * (one shared counter, incremented atomically), skips the pairs before it and takes a new ticket
 * after running it. Every pair is run by exactly one thread, the heavy ones (plan order starts with
 * the whole population) first.
 */
function ticketTaker(tickets: SharedArrayBuffer): (ordinal: number) => boolean {
  const counter = new Int32Array(tickets);
  let mine = Atomics.add(counter, 0, 1);
  return (ordinal) => {
    if (ordinal !== mine) return false;
    mine = Atomics.add(counter, 0, 1);
    return true;
  };
}

function runShare({ input }: PlanShareRequest): PlanShareReply['outcome'] {
  try {
    const parsed = parsePlanDocument(input.document);
    if (!parsed.ok) throw new Error(`invalid plan document: ${parsed.problems.join('; ')}`);
    const result = runPlan(planFromDocument(parsed.document), input.rows, { scope: input.scope ?? 'full', ...(input.tickets ? { takes: ticketTaker(input.tickets) } : {}) });
    return { ok: true, result };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error) };
  }
}

parentPort?.on('message', (request: PlanShareRequest) => {
  const reply: PlanShareReply = { id: request.id, outcome: runShare(request) };
  parentPort?.postMessage(reply);
});
