import os from 'node:os';
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import { bundledThreadEntry } from '../../bin/cliBundle.js';
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
  /** How long the threads wait for the process's next run before they end; default 5 minutes. */
  readonly idleMs?: number;
}

/** What one thread runs: the input, and the shared ticket counter of the pairs (none = all of them). */
export interface PlanShareInput extends PlanThreadInput {
  readonly tickets?: SharedArrayBuffer;
}

/** A share of a run sent to a plan thread, and its answer (matched by id). */
export interface PlanShareRequest {
  readonly id: number;
  readonly input: PlanShareInput;
}
export interface PlanShareReply {
  readonly id: number;
  readonly outcome: { ok: true; result: PlanRunResult } | { ok: false; error: string };
}

/** Two threads: the fits of one pair are sequential, and a worker process has other work too. */
const DEFAULT_THREADS = Math.max(1, Math.min(2, os.availableParallelism()));

// A young generation larger than V8's default (16 MB semi-spaces): the fits allocate data-sized arrays
// in bursts, and with the default most of them were copied out of it before they died. At 100,000
// patients this took ~8% off the run (bench:reanalysis, docs/analysis.md).
const YOUNG_GENERATION_MB = 128;

/**
 * New threads optimise their hot code on the thread itself instead of on V8's background compiler
 * threads. Two plan threads keep both cores busy, so the background compiles waited behind them and the
 * fits ran unoptimised code for seconds: at 100,000 patients a new pair of threads took 19.6 s against
 * 14.9 s with this, and reused threads 13.2 s against 11.7 s (bench:reanalysis, docs/analysis.md). One
 * process-wide V8 flag, read when an isolate is created: the main thread, created before, keeps its
 * background compiler.
 */
let compileOnThread = false;
function optimiseOnNewThreads(): void {
  if (compileOnThread) return;
  v8.setFlagsFromString('--no-concurrent-recompilation');
  compileOnThread = true;
}

// Looks run back to back (the demo, a catch-up of several cutoffs) reuse warm threads; a scheduler
// waiting a quarter for its next look does not keep two threads' heaps meanwhile (after a plan on
// 100,000 patients the idle pair held ~350 MB of the process's RSS: 671 MB, 321 MB once ended).
const DEFAULT_IDLE_MS = 5 * 60_000;

// Without a bundle (COHORTWATCH_NO_BUNDLE=1, or a read-only checkout) the thread loads TypeScript itself
// (tsx), whatever loader the parent runs under (tsx CLI, vitest). tsx is resolved here, from this file,
// not by the thread: an eval'd thread resolves bare names from the process's working directory, which
// need not be the project (`cohortwatch` run from elsewhere).
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
import(workerData.tsx).then((tsx) => { tsx.register(); return import(workerData.entry); });
`;
const TSX_API = import.meta.resolve('tsx/esm/api');
const ENTRY = new URL('./planThread.ts', import.meta.url).href;

/**
 * A plan thread of this process: it runs the shares sent to it one after the other and stays for the
 * next run, so its compiled code is warm from one look to the next (new threads took 1.1 s more than
 * warm ones at 426 patients and 3.1 s more at 100,000, bench:reanalysis). Idle, it does not keep the
 * process alive, and after idleMs without a run it ends.
 */
class PlanThread {
  private readonly pending = new Map<number, { resolve: (result: PlanRunResult) => void; reject: (error: Error) => void }>();
  private nextId = 0;
  private idleTimer: NodeJS.Timeout | null = null;
  private idleMs = DEFAULT_IDLE_MS;

  private constructor(private readonly worker: Worker, private readonly onGone: () => void) {
    worker.unref();
    worker.on('message', (reply: PlanShareReply) => {
      const waiting = this.pending.get(reply.id);
      if (waiting === undefined) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) this.idle();
      if (reply.outcome.ok) waiting.resolve(reply.outcome.result);
      else waiting.reject(new Error(reply.outcome.error));
    });
    // A thread that fails outside a share (out of memory, a crash) is gone: its shares fail, and the
    // next run starts a new thread in its place.
    const fail = (error: Error): void => {
      onGone();
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    worker.once('error', fail);
    worker.once('exit', (code) => fail(new Error(`plan thread exited with code ${code}`)));
  }

  static async start(onGone: () => void): Promise<PlanThread> {
    const bundle = await bundledThreadEntry('planThread');
    const resourceLimits = { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB };
    optimiseOnNewThreads();
    const worker = bundle !== null
      ? new Worker(bundle, { resourceLimits })
      : new Worker(BOOTSTRAP, { eval: true, workerData: { entry: ENTRY, tsx: TSX_API }, resourceLimits });
    return new PlanThread(worker, onGone);
  }

  /** Idle: it does not hold the process, and it ends unless a run comes within idleMs. */
  private idle(): void {
    this.worker.unref();
    // Out of the pool first, so no run can pick the thread while it ends.
    this.idleTimer = setTimeout(() => {
      this.onGone();
      void this.worker.terminate();
    }, this.idleMs);
    this.idleTimer.unref();
  }

  run(input: PlanShareInput): Promise<PlanRunResult> {
    const id = this.nextId++;
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.idleMs = input.idleMs ?? DEFAULT_IDLE_MS;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      const request: PlanShareRequest = { id, input };
      this.worker.postMessage(request);
    });
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

// The process's plan threads, started on first use; a run with k threads uses the first k.
let pool: Promise<PlanThread>[] = [];

/** How many plan threads this process holds now (started or starting). */
export function planThreadCount(): number {
  return pool.length;
}

function planThreads(count: number): Promise<PlanThread[]> {
  while (pool.length < count) {
    const started: Promise<PlanThread> = PlanThread.start(() => drop(started));
    started.catch(() => drop(started));
    pool.push(started);
  }
  return Promise.all(pool.slice(0, count));
}

function drop(thread: Promise<PlanThread>): void {
  pool = pool.filter((t) => t !== thread);
}

/** Ends the process's plan threads (tests; a process that exits needs not: idle threads do not hold it). */
export async function closePlanThreads(): Promise<void> {
  const closing = pool;
  pool = [];
  const started = await Promise.allSettled(closing);
  await Promise.all(started.flatMap((t) => (t.status === 'fulfilled' ? [t.value.terminate()] : [])));
}

/**
 * Runs the plan in worker threads: the fits are CPU-bound for seconds at 100k patients, and on the
 * main thread they would block the event loop that renews the BullMQ job lock (a stalled job runs
 * twice). With two or more threads each takes the next (population, endpoint) pair whenever it is
 * free, and the shares are merged in plan order: the same records, in the same order, as one thread's.
 */
export async function runPlanInThread(input: PlanThreadInput): Promise<PlanRunResult> {
  const count = Math.max(1, Math.floor(input.threads ?? DEFAULT_THREADS));
  const threads = await planThreads(count);
  if (count === 1) return threads[0].run(input);
  const tickets = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
  const shares = await Promise.all(threads.map((thread) => thread.run({ ...input, tickets })));
  return mergePlanShares(planFromDocument(input.document), shares);
}
