// Prometheus metrics of the event worker, on a registry of its own (no global state, so tests and
// several workers in one process do not collide).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface QueueDepthSource {
  getJobCounts(...states: string[]): Promise<Record<string, number>>;
}

export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'prioritized'] as const;

export interface PipelineMetrics {
  registry: Registry;
  applied: Counter<'type'>;
  rejected: Counter<'kind'>;
  duplicates: Counter;
  transientFailures: Counter;
  deadLettered: Counter;
  applySeconds: Histogram;
}

export function createPipelineMetrics(queues: { followUp: QueueDepthSource; deadLetter: QueueDepthSource }): PipelineMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'cohortwatch_worker_' });
  const metrics: PipelineMetrics = {
    registry,
    applied: new Counter({ name: 'cohortwatch_events_applied_total', help: 'Events stored and applied to a timeline', labelNames: ['type'], registers: [registry] }),
    rejected: new Counter({ name: 'cohortwatch_events_rejected_total', help: 'Events rejected (invalid, or same eventId with another payload)', labelNames: ['kind'], registers: [registry] }),
    duplicates: new Counter({ name: 'cohortwatch_events_duplicate_total', help: 'Redeliveries of an already applied event (no change)', registers: [registry] }),
    transientFailures: new Counter({ name: 'cohortwatch_events_transient_failures_total', help: 'Attempts that failed for a transient reason and will be retried', registers: [registry] }),
    deadLettered: new Counter({ name: 'cohortwatch_events_dead_lettered_total', help: 'Events moved to the dead-letter queue after their last attempt', registers: [registry] }),
    applySeconds: new Histogram({
      name: 'cohortwatch_event_apply_seconds',
      help: 'Time to validate, store and rebuild one event',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
  new Gauge({
    name: 'cohortwatch_queue_jobs',
    help: 'Jobs in the follow-up event queues by state',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      const [followUp, deadLetter] = await Promise.all([
        queues.followUp.getJobCounts(...QUEUE_STATES),
        queues.deadLetter.getJobCounts('waiting'),
      ]);
      for (const state of QUEUE_STATES) this.set({ queue: 'follow-up-events', state }, followUp[state] ?? 0);
      this.set({ queue: 'follow-up-events-dlq', state: 'waiting' }, deadLetter.waiting ?? 0);
    },
  });
  return metrics;
}
