// Waiting until jobs a producer enqueued have left the queue: applied or rejected (completed and
// failed jobs are removed at once) or, after their last attempt, moved to the dead-letter queue.
// Uses only the Queue API, so it works on any BullMQ backend.
import { setTimeout as sleep } from 'node:timers/promises';
import type { FollowUpQueue } from './queue.ts';

export interface WaitOptions {
  /** Called after each poll with how many are done. */
  onProgress?: (done: number, total: number) => void;
  /** Give up after this many ms (0 = never). */
  timeoutMs?: number;
  pollMs?: number;
}

const FINISHED = new Set(['completed', 'failed', 'unknown']);
const UNFINISHED_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;
// Jobs finish roughly in the order they were added; checking the oldest pending ones first and
// stopping at this many still pending keeps each poll cheap for a large batch (a poll must not
// cost the Redis the workers need: it is one call per finished job plus at most this many).
const PENDING_PROBE = 32;

export class WaitTimeoutError extends Error {
  override name = 'WaitTimeoutError';
}

export async function waitForJobs(queue: FollowUpQueue, jobIds: readonly string[], options: WaitOptions = {}): Promise<void> {
  let pending = [...new Set(jobIds)];
  const total = pending.length;
  const deadline = options.timeoutMs ? Date.now() + options.timeoutMs : Infinity;
  const pollMs = options.pollMs ?? 200;
  while (pending.length > 0) {
    // One call answers the common case: an empty queue means every job of ours has left it.
    const counts = await queue.getJobCounts(...UNFINISHED_STATES);
    if (Object.values(counts).every((n) => n === 0)) pending = [];
    const stillPending: string[] = [];
    let index = 0;
    while (index < pending.length && stillPending.length < PENDING_PROBE) {
      const batch = pending.slice(index, index + PENDING_PROBE);
      index += batch.length;
      const states = await Promise.all(batch.map((id) => queue.getJobState(id)));
      batch.forEach((id, i) => { if (!FINISHED.has(states[i])) stillPending.push(id); });
    }
    pending = stillPending.concat(pending.slice(index));
    options.onProgress?.(total - pending.length, total);
    if (pending.length === 0) return;
    if (Date.now() > deadline) throw new WaitTimeoutError(`${pending.length} of ${total} events still in the queue after the wait timeout`);
    await sleep(pollMs);
  }
}
