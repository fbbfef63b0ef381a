import { constants, createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { SingleBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import type { RegisterCommand } from './commands.ts';
import { loadEnv } from '../config/env.ts';
import { enqueueEvents } from '../workers/enqueueEvents.ts';
import { recordInFileConflicts } from '../workers/recordInFileConflict.ts';
import type { InFileConflict } from '../workers/recordInFileConflict.ts';
import type { OutgoingEvent } from '../workers/enqueueEvents.ts';
import { waitForJobs } from '../workers/waitForJobs.ts';
import { NdjsonClassifier, numberedLines } from './pipeline/ndjsonLines.ts';
import { positiveIntegerArgument } from './pipeline/cliArguments.ts';
import { withDatabase, withQueues } from './pipeline/resources.ts';

const BATCH = 500;

export interface IngestSummary {
  read: number;
  enqueued: number;
  duplicates: number;
  unparseable: number;
  /** Lines repeating an earlier line's eventId with a different payload (the first one stands). */
  conflicting: number;
  /** With --wait: events whose jobs left the queue (applied, rejected, or dead-lettered). */
  finished?: number;
}

/** `cohortwatch ingest FILE|-`: NDJSON events onto the follow-up-events queue. */
export const registerIngest: RegisterCommand = (program) => {
  program
    .command('ingest')
    .description('enqueue NDJSON follow-up events (one per line) from FILE or - (stdin); prints a JSON summary')
    .argument('<file>', 'NDJSON file, or - for standard input')
    .option('--wait', 'return only when every enqueued event has been applied or rejected')
    .option('--wait-timeout <seconds>', 'with --wait: give up (exit 1) after this many seconds', positiveIntegerArgument)
    .action(async (file: string, options: { wait?: boolean; waitTimeout?: number }, command: Command) => {
      const env = loadEnv();
      // A missing file is reported before anything is enqueued.
      if (file !== '-') {
        const readable = await access(file, constants.R_OK).then(() => true, () => false);
        if (!readable) command.error(`error: cannot read ${file}`);
      }
      const input: Readable = file === '-' ? process.stdin : createReadStream(file);
      const progress = process.stderr.isTTY
        ? new SingleBar({ stream: process.stderr, format: '{phase} [{bar}] {value}/{total}', hideCursor: true }, Presets.shades_classic)
        : null;
      const summary = await withQueues(env, async ({ followUp }) => {
        const counts: IngestSummary = { read: 0, enqueued: 0, duplicates: 0, unparseable: 0, conflicting: 0 };
        const jobIds: string[] = [];
        const classifier = new NdjsonClassifier();
        const conflicts: InFileConflict[] = [];
        let batch: OutgoingEvent[] = [];
        const flush = async () => {
          if (batch.length === 0) return;
          jobIds.push(...await enqueueEvents(followUp, batch));
          counts.enqueued += batch.length;
          progress?.update(counts.enqueued, { phase: 'enqueue' });
          batch = [];
        };
        progress?.start(0, 0, { phase: 'enqueue' });
        for await (const { text, line } of numberedLines(createInterface({ input, crlfDelay: Infinity }))) {
          const result = classifier.classify(text, line);
          if (result === null) continue;
          counts.read += 1;
          if (result.kind === 'event') {
            batch.push({ eventId: result.eventId, name: result.name, data: result.data });
            progress?.setTotal(counts.read);
            if (batch.length >= BATCH) await flush();
          } else if (result.kind === 'unparseable') {
            counts.unparseable += 1;
            console.error(`line ${line}: ${result.reason}`);
          } else if (result.kind === 'duplicate') {
            counts.duplicates += 1;
          } else {
            counts.conflicting += 1;
            conflicts.push({ raw: result.data, firstPayloadHash: result.firstHash });
            console.error(`line ${line}: eventId ${result.eventId} repeats line ${result.firstLine} with a different payload; the first one stands (recorded as a conflict)`);
          }
        }
        await flush();
        // Only an input with conflicts needs the database (they are listed by `cohortwatch rejected`).
        if (conflicts.length > 0) await withDatabase(env, (db) => recordInFileConflicts(db, conflicts));
        if (options.wait) {
          progress?.start(jobIds.length, 0, { phase: 'apply' });
          await waitForJobs(followUp, jobIds, {
            onProgress: (done) => progress?.update(done, { phase: 'apply' }),
            timeoutMs: (options.waitTimeout ?? 0) * 1000,
          });
          counts.finished = jobIds.length;
        }
        return counts;
      }).finally(() => progress?.stop());
      console.log(JSON.stringify(summary));
    });
};
