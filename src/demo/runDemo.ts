// The one-command demo: simulate the registry, replay it quarter by quarter through the real queue
// and workers on a simulated clock, run the scheduled reanalysis at each quarter's cutoff, deliver the
// alert mail, write the quarterly reports and a summary of the monitored hazard ratios.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pino } from 'pino';
import type { Kysely } from 'kysely';
import type { Env } from '../config/env.ts';
import { connect } from '../db/connect.ts';
import type { Database } from '../db/database.ts';
import { createReanalysisQueue, startAnalysisWorkers } from '../jobs/analysisQueues.ts';
import type { AnalysisWorkers } from '../jobs/analysisQueues.ts';
import { reanalysisDeps } from '../jobs/analysisService.ts';
import { smtpTransport } from '../notify/transport.ts';
import { simulateEvents } from '../sim/index.ts';
import type { ScenarioName } from '../sim/index.ts';
import { createFollowUpQueue } from '../workers/queue.ts';
import { startWorkerService } from '../workers/workerService.ts';
import type { WorkerService } from '../workers/workerService.ts';
import { registerDemoInvestigators } from './demoInvestigators.ts';
import { startDemoServices } from './demoServices.ts';
import type { DemoServices, ServiceEnv } from './demoServices.ts';
import { freshFolder, listFiles } from './demoWorkspace.ts';
import { EventFeed } from './eventFeed.ts';
import { wantsPdf, writeLookReport } from './lookReport.ts';
import type { LookReport, PdfPolicy } from './lookReport.ts';
import { writeLookSummary } from './lookSummary.ts';
import { loadDetections } from './detection.ts';
import type { Detection } from './detection.ts';
import { quarterTicks } from './quarterTicks.ts';
import type { ReplayProgress } from './replayProgress.ts';
import { replayQuarter } from './replayQuarter.ts';
import type { QuarterOutcome } from './replayQuarter.ts';
import { SimulatedClock } from './simulatedClock.ts';

export interface DemoOptions {
  readonly scenario: ScenarioName;
  readonly seed: number;
  readonly patients: number;
  /** Cutoff of the first and last looks (last days of quarters). */
  readonly firstLook: string;
  readonly lastLook: string;
  readonly outDir: string;
  readonly workDir: string;
  readonly pdf: PdfPolicy;
  /** Validated configuration (defaults filled in). */
  readonly env: Env;
  /** Which services the user supplied (the variables actually set). */
  readonly userServices: ServiceEnv;
  readonly progress: ReplayProgress;
}

export interface DemoResult {
  readonly outDir: string;
  readonly looks: readonly QuarterOutcome[];
  readonly events: number;
  readonly services: readonly string[];
  readonly summary: { markdown: string; csv: string };
  /** Fired boundary crossings of primary estimands, in look order (what surveillance detected). */
  readonly detections: readonly Detection[];
  /** The .eml files (as received by the demo's SMTP catcher) of the first crossing's alert. */
  readonly detectionMails: readonly string[];
  readonly reports: readonly LookReport[];
  readonly mails: readonly string[];
  /** Files of outDir, relative to it. */
  readonly files: readonly string[];
  readonly seconds: number;
}

// The worker's own default (WORKER_CONCURRENCY): up to 1,000 deliveries at once, applied in batches
// (one transaction per batch, under the batch's per-patient locks) over a pool as small as
// `cohortwatch worker`'s. At 8, every batch held at most 8 events: the first quarter's ~9,300 events
// took 27.6 s instead of 18-20 s (docs/demo.md).
const EVENT_CONCURRENCY = 1000;
const EVENT_POOL_SIZE = 8;
const PHASE_TIMEOUT_MS = 180_000;
const EFFECT_RULES: readonly string[] = ['boundary', 'departure', 'drift'];

interface Running {
  services: DemoServices | null;
  db: Kysely<Database> | null;
  worker: WorkerService | null;
  analysis: AnalysisWorkers | null;
  closers: (() => Promise<unknown>)[];
}

async function shutdown(running: Running): Promise<void> {
  // Consumers first, then the queues, the database pool and the services they use.
  await running.worker?.stop().catch(() => undefined);
  // Their close waits for the workers up to this long; PostgreSQL must outlive their connections.
  await running.analysis?.close(15_000).catch(() => undefined);
  for (const close of running.closers) await close().catch(() => undefined);
  await running.db?.destroy().catch(() => undefined);
  await running.services?.stop();
}

type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/** The promise's outcome as a value: a failure while nobody awaits it yet is not an unhandled rejection. */
function settled<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
}

function lookSummaryText(outcome: QuarterOutcome): string {
  const fired = outcome.alerts.filter((a) => a.status === 'fired');
  const alerts = fired.length === 0 ? 'no alert' : fired.map((a) => `${a.rule} ${a.population} ${a.endpoint}`).join(', ');
  return `${outcome.patients} patients, ${outcome.eventsDelivered} events, ${alerts}`;
}

/** The received mail files that carry one of these Message-IDs. */
async function mailsWithIds(files: readonly string[], messageIds: readonly string[]): Promise<string[]> {
  if (messageIds.length === 0) return [];
  const out: string[] = [];
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    if (messageIds.some((id) => text.includes(id))) out.push(file);
  }
  return out;
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const started = performance.now();
  const ticks = quarterTicks(options.firstLook, options.lastLook);
  const outDir = await freshFolder(options.outDir);
  const workDir = await freshFolder(options.workDir);
  const mailDir = path.join(outDir, 'mail');
  const logger = pino({ name: 'demo', level: options.env.LOG_LEVEL }, pino.destination({ dest: path.join(workDir, 'cohortwatch.log'), sync: false }));
  const running: Running = { services: null, db: null, worker: null, analysis: null, closers: [] };
  try {
    options.progress.phase('----------', 'starting services');
    const services = await startDemoServices({ env: options.userServices, workDir, mailDir, defaultRedisUrl: options.env.REDIS_URL });
    running.services = services;
    const db = connect(services.databaseUrl, { poolSize: EVENT_POOL_SIZE + 6, applicationName: 'cohortwatch-demo' });
    running.db = db;
    await registerDemoInvestigators(db);

    const clock = new SimulatedClock(new Date(Date.UTC(2000, 0, 1)));
    running.worker = await startWorkerService({
      db, logger, queue: services.queue, concurrency: EVENT_CONCURRENCY, metricsPort: null, shutdownTimeoutMs: 5000, now: clock.now,
    });
    const transport = smtpTransport(services.smtpUrl);
    running.closers.push(() => Promise.resolve(transport.close()));
    const deps = reanalysisDeps(options.env, db);
    running.analysis = await startAnalysisWorkers({ config: services.queue, deps, transport, alertFrom: options.env.ALERT_FROM, logger });
    const followUp = createFollowUpQueue(services.queue);
    const reanalysis = createReanalysisQueue(services.queue);
    running.closers.push(() => followUp.close(), () => reanalysis.close());

    const feed = new EventFeed(simulateEvents({ seed: options.seed, patients: options.patients, scenario: options.scenario }));
    const looks: QuarterOutcome[] = [];
    const reports: LookReport[] = [];
    options.progress.start(ticks.length);
    // A look's report is written while the next quarter's events are applied (both mostly wait on
    // PostgreSQL and on different cores), and finished before the next reanalysis starts.
    let pendingReport: Promise<Settled<LookReport>> | null = null;
    const finishReport = async () => {
      if (pendingReport === null) return;
      const report = await pendingReport;
      pendingReport = null;
      if (!report.ok) throw report.error;
      reports.push(report.value);
    };
    for (const [index, tick] of ticks.entries()) {
      options.progress.phase(tick.cutoff, 'delivering events');
      const outcome = await replayQuarter({
        db, followUp, reanalysis, planVersion: deps.plan.version, clock, feed, timeoutMs: PHASE_TIMEOUT_MS, logger,
        beforeReanalysis: finishReport,
        onEvents: (done, total) => options.progress.phase(tick.cutoff, `events ${done}/${total}`),
      }, tick);
      looks.push(outcome);
      // Effect alerts (docs/demo.md, "PDFs"): a state change such as "monitoring started" is not one.
      const effectAlert = outcome.alerts.some((a) => a.status === 'fired' && EFFECT_RULES.includes(a.rule));
      pendingReport = settled(writeLookReport(db, {
        outDir, cutoff: tick.cutoff, smallCellMin: options.env.SMALL_CELL_MIN, pdf: wantsPdf(options.pdf, index === ticks.length - 1, effectAlert),
      }));
      options.progress.look(index + 1, tick.cutoff, lookSummaryText(outcome));
    }
    options.progress.phase(ticks.at(-1)?.cutoff ?? '', 'writing the last report');
    await finishReport();
    options.progress.stop();

    const summary = await writeLookSummary(db, outDir, {
      scenario: options.scenario, seed: options.seed, patients: options.patients, planVersion: deps.plan.version, smallCellMin: options.env.SMALL_CELL_MIN,
    });
    const detections = await loadDetections(db);
    const detectionMails = services.catcher ? await mailsWithIds(services.catcher.caught.map((m) => m.file), detections[0]?.messageIds ?? []) : [];
    logger.info({ looks: looks.length, events: feed.taken }, 'demo replay finished');
    const result = {
      outDir, looks, events: feed.taken, services: services.description, summary, detections, detectionMails, reports,
      mails: services.catcher ? services.catcher.caught.map((m) => m.file) : [],
    };
    await shutdown(running);
    running.services = null;
    logger.flush();
    return { ...result, files: await listFiles(outDir), seconds: (performance.now() - started) / 1000 };
  } finally {
    options.progress.stop();
    if (running.services !== null) await shutdown(running);
  }
}
