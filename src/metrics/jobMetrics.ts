// Counters of finished BullMQ jobs by queue and outcome, and their durations: filled by the worker
// lifecycle of src/workers/queue.ts, so every worker that is given them is measured the same way.
import { Counter, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';

export type JobOutcome = 'completed' | 'retrying' | 'failed' | 'stalled';

export interface JobMetrics {
  jobs: Counter<'queue' | 'outcome'>;
  seconds: Histogram<'queue'>;
}

export function createJobMetrics(registry: Registry): JobMetrics {
  return {
    jobs: new Counter({ name: 'cohortwatch_jobs_total', help: 'Jobs finished by this process, by queue and outcome (completed, retrying, failed, stalled)', labelNames: ['queue', 'outcome'], registers: [registry] }),
    seconds: new Histogram({
      name: 'cohortwatch_job_duration_seconds',
      help: 'Time from a job\'s start to its end in this process, by queue',
      labelNames: ['queue'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600],
      registers: [registry],
    }),
  };
}
