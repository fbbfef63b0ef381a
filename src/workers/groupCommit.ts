// Group commit: many concurrent callers, few transactions. Each call queues its item and waits; a
// batch starts as soon as fewer than `maxInFlight` batches are running and takes everything queued
// (up to `maxBatch`). Under light load a batch is one item and starts at once; under heavy load the
// items that arrive while a batch commits form the next one, so the batch size follows the load
// with no timer and no added latency.
//
// BullMQ OSS has no batch worker (that is BullMQ Pro): a Worker with concurrency N hands N jobs to
// the processor at once, and the processor funnels them through this. Every job still completes,
// retries and stalls on its own; it resolves only after its batch committed.

export interface GroupCommitOptions {
  /** Most items in one batch. */
  maxBatch: number;
  /** Batches running at once (each holds one database connection). */
  maxInFlight: number;
}

/** Returns one result per item, in order; a throw fails the batch. */
export type BatchRunner<I, O> = (items: readonly I[]) => Promise<readonly O[]>;

interface Pending<I, O> {
  item: I;
  resolve: (result: O) => void;
  reject: (error: unknown) => void;
}

export function createGroupCommit<I, O>(run: BatchRunner<I, O>, options: GroupCommitOptions): (item: I) => Promise<O> {
  const queue: Pending<I, O>[] = [];
  let inFlight = 0;

  async function runBatch(batch: Pending<I, O>[]): Promise<void> {
    try {
      const results = await run(batch.map((p) => p.item));
      batch.forEach((p, i) => p.resolve(results[i]));
    } catch (error) {
      if (batch.length === 1) {
        batch[0].reject(error);
        return;
      }
      // One bad item must not fail the others with it: run each alone, so only the culprit fails
      // (a database outage fails each of them quickly, and BullMQ retries each job).
      await Promise.all(batch.map((p) => runBatch([p])));
    }
  }

  function pump(): void {
    while (inFlight < options.maxInFlight && queue.length > 0) {
      const batch = queue.splice(0, options.maxBatch);
      inFlight += 1;
      void runBatch(batch).finally(() => {
        inFlight -= 1;
        pump();
      });
    }
  }

  return (item) => new Promise<O>((resolve, reject) => {
    queue.push({ item, resolve, reject });
    // Let the jobs BullMQ hands over in the same tick join this batch.
    if (queue.length === 1) setImmediate(pump);
  });
}
