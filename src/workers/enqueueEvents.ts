// The producer side of the contract: one job per event, job name = type, job data = the event, job id
// derived from the eventId (BullMQ returns the existing job for an id it still holds).
import { eventJobId } from '../contract/index.ts';
import type { FollowUpQueue } from './queue.ts';

export interface OutgoingEvent {
  eventId: string;
  /** The event's type (job name); producers of untrusted data pass 'unknown' for a non-string type. */
  name: string;
  data: unknown;
}

/** Adds the events in one round trip; returns their job ids in order. */
export async function enqueueEvents(queue: FollowUpQueue, events: readonly OutgoingEvent[]): Promise<string[]> {
  const jobs = events.map((event) => ({ name: event.name, data: event.data, opts: { jobId: eventJobId(event.eventId) } }));
  await queue.addBulk(jobs);
  return jobs.map((job) => job.opts.jobId);
}
