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

const UNFINISHED_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;
// Jobs finish roughly in the order they were added; checking the oldest pending ones first and
// stopping at this many still pending keeps each poll cheap for a large batch: over a run, one
// lookup per job plus at most this many per poll.
const PENDING_PROBE = 32;
// While the queue drains, the per-job lookups are skipped and the empty-queue check ends the wait,
// when either
// - the queue holds no more unfinished jobs than ours still counted pending: waiting for it to empty
//   then takes no longer than our own jobs would if none of them had finished yet, or
// - it drains fast enough to be empty within this long (or within as long as we have already waited).
// With a single producer the lookups were 1-2 s of the producer's CPU per 55,000 events plus one
// HGETALL each in Redis (issue 12). Skipping never ends a wait early; it can only end it later when
// other producers keep the queue busy, and then the queue stops draining or outgrows our pending
// jobs, and lookups resume.
const DRAIN_SKIP_MS = 10_000;
// Workers finish jobs in bursts (a batch of hundreds commits at once, a few times a second), so two
// polls 50 ms apart often see no change: the queue counts as draining while it shrank within this
// long, and its rate is the average since the wait began. Judged between consecutive polls instead,
// half the polls of a 55,000-event ingest looked stalled and the lookups ran for nearly every job.
const STALL_MS = 1_000;

export class WaitTimeoutError extends Error {
  override name = 'WaitTimeoutError';
}

/**
 * A job has finished when its record is gone (completed and failed jobs are removed at once) or, on
 * a queue that keeps them, carries its finishing time (set only by the final move to completed or
 * failed, never by a retry). One hash read per job: getJobState would instead search the wait and
 * active lists (LPOS, linear in their length) for every job, which made waiting for a large file
 * quadratic and cost Redis more than the workers' own traffic.
 */
async function hasFinished(queue: FollowUpQueue, jobId: string): Promise<boolean> {
  const job = await queue.getJob(jobId);
  return job === undefined || job === null || typeof job.finishedOn === 'number';
}

/**
 * Looks up the oldest pending jobs, PENDING_PROBE at a time, until that many are still pending;
 * returns the pending list without those found finished. (No spreading of the list into a call:
 * a million arguments overflow the stack.)
 */
async function probeOldest(queue: FollowUpQueue, pending: readonly string[]): Promise<string[]> {
  const stillPending: string[] = [];
  let index = 0;
  while (index < pending.length && stillPending.length < PENDING_PROBE) {
    const batch = pending.slice(index, index + PENDING_PROBE);
    index += batch.length;
    const finished = await Promise.all(batch.map((id) => hasFinished(queue, id)));
    batch.forEach((id, i) => { if (!finished[i]) stillPending.push(id); });
  }
  return stillPending.concat(pending.slice(index));
}

/**
 * Whether the queue empties fast enough that waiting for it to be empty is as good as looking up our
 * jobs (DRAIN_SKIP_MS, STALL_MS): it shrank lately, and at its average rate since the first poll it is
 * empty soon, or it holds no more than ours still pending.
 */
function draining(first: { unfinished: number; at: number }, unfinished: number, now: number, shrankAt: number, ourPending: number, waitedMs: number): boolean {
  if (now - shrankAt > STALL_MS) return false;
  const perMs = (first.unfinished - unfinished) / Math.max(1, now - first.at);
  return perMs > 0 && (unfinished <= ourPending || unfinished / perMs <= Math.max(DRAIN_SKIP_MS, waitedMs));
}

export async function waitForJobs(queue: FollowUpQueue, jobIds: readonly string[], options: WaitOptions = {}): Promise<void> {
  let pending = [...new Set(jobIds)];
  const total = pending.length;
  const deadline = options.timeoutMs ? Date.now() + options.timeoutMs : Infinity;
  // A poll of a draining queue is one counts call: polling often costs Redis little and returns to the
  // user soon after the last job (at 200 ms, ~0.1 s of a 10 s `ingest --wait` was spent waiting for the poll).
  const pollMs = options.pollMs ?? 50;
  const started = Date.now();
  let first: { unfinished: number; at: number } | null = null;
  let fewest = Infinity;
  let shrankAt = started;
  let done = 0;
  while (pending.length > 0) {
    // One call answers the common case at the end: an empty queue means every job of ours has left it.
    const counts = await queue.getJobCounts(...UNFINISHED_STATES);
    const unfinished = Object.values(counts).reduce((sum, n) => sum + n, 0);
    const now = Date.now();
    if (unfinished === 0) pending = [];
    if (unfinished < fewest) { fewest = unfinished; shrankAt = now; }
    // The first poll only measures (its lookups would be every job finished while we were enqueueing).
    if (first === null) first = { unfinished, at: now };
    else if (!draining(first, unfinished, now, shrankAt, pending.length, now - started)) pending = await probeOldest(queue, pending);
    // Without lookups, at least those of ours the queue cannot be holding any more are done.
    done = Math.max(done, total - pending.length, total - Math.min(total, unfinished));
    options.onProgress?.(done, total);
    if (pending.length === 0) return;
    if (Date.now() > deadline) throw new WaitTimeoutError(`${pending.length} of ${total} events still in the queue after the wait timeout`);
    await sleep(pollMs);
  }
}
