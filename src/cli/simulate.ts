import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import type { Command } from 'commander';
import type { RegisterCommand } from './commands.ts';
import {
  DEFAULT_ADMIN_END, SCENARIO_NAMES, isScenarioName, resolveOptions, simulateEvents, simulationTruth,
} from '../sim/index.ts';
import type { PatientTruth, ResolvedOptions } from '../sim/index.ts';

interface SimulateFlags {
  seed: string;
  patients: string;
  scenario: string;
  adminEnd: string;
  out: string;
  truth?: string;
}

const FLUSH_BYTES = 1 << 20;

/** Buffered NDJSON/JSON writer that honours back-pressure, so memory stays flat however long the stream. */
class ChunkWriter {
  private buffer: string[] = [];
  private bytes = 0;
  constructor(readonly target: Writable) {}

  write(text: string): Promise<void> | null {
    this.buffer.push(text);
    this.bytes += text.length;
    return this.bytes >= FLUSH_BYTES ? this.flush() : null;
  }

  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const chunk = this.buffer.join('');
    this.buffer = [];
    this.bytes = 0;
    if (!this.target.write(chunk)) await once(this.target, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.target === process.stdout) return;
    await new Promise<void>((resolve, reject) => this.target.end((error?: Error | null) => (error ? reject(error) : resolve())));
  }
}

function openTarget(path: string): Writable {
  if (path === '-') {
    // `simulate --out - | head` closes the pipe early: that is the reader's choice, not a failure.
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
    return process.stdout;
  }
  return createWriteStream(path);
}

function parseInteger(name: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new Error(`--${name} "${text}" must be a non-negative integer`);
  return Number(text);
}

function resolveFlags(flags: SimulateFlags): ResolvedOptions {
  if (!isScenarioName(flags.scenario)) {
    throw new Error(`--scenario "${flags.scenario}" must be one of ${SCENARIO_NAMES.join(', ')}`);
  }
  return resolveOptions({
    seed: parseInteger('seed', flags.seed),
    patients: parseInteger('patients', flags.patients),
    scenario: flags.scenario,
    adminEnd: flags.adminEnd,
  });
}

async function run(flags: SimulateFlags): Promise<{ patients: number; events: number }> {
  const options = resolveFlags(flags);
  const out = new ChunkWriter(openTarget(flags.out));
  const truth = flags.truth ? new ChunkWriter(createWriteStream(flags.truth)) : null;
  // Truth records arrive through a callback inside the generator; they are written between events.
  const truthLines: string[] = [];
  let patients = 0;
  if (truth) {
    const header = JSON.stringify(simulationTruth(options), null, 2);
    await truth.write(`${header.slice(0, header.lastIndexOf('}')).trimEnd()},\n  "patients": [\n`);
  }
  const onPatient = (record: PatientTruth): void => {
    if (truth) truthLines.push(`${patients === 0 ? '' : ',\n'}    ${JSON.stringify(record)}`);
    patients++;
  };
  let events = 0;
  for (const event of simulateEvents(options, onPatient)) {
    events++;
    const flushing = out.write(`${JSON.stringify(event)}\n`);
    if (flushing) await flushing;
    if (truth && truthLines.length > 0) {
      for (const line of truthLines) await truth.write(line);
      truthLines.length = 0;
    }
  }
  if (truth) {
    for (const line of truthLines) await truth.write(line);
    await truth.write('\n  ]\n}\n');
    await truth.close();
  }
  await out.close();
  return { patients, events };
}

export const registerSimulate: RegisterCommand = (program: Command) => {
  program
    .command('simulate')
    .description('write a calibrated synthetic registry as contract events (NDJSON, reportedAt order)')
    .requiredOption('--seed <n>', 'random seed (integer 0..4294967295): same seed, same bytes')
    .requiredOption('--patients <n>', 'number of patients (1..1000000; the paper had 426)')
    .option('--scenario <name>', `PORT effects: ${SCENARIO_NAMES.join(' | ')}`, 'paper')
    .option('--admin-end <date>', 'administrative end: nothing occurs or is reported after it (YYYY-MM-DD)', DEFAULT_ADMIN_END)
    .requiredOption('--out <file>', 'events file (NDJSON), or - for stdout')
    .option('--truth <file>', 'also write the truth (true hazard ratios, parameters, latent dates per patient) as JSON')
    .action(async (flags: SimulateFlags, command: Command) => {
      try {
        resolveFlags(flags);
      } catch (error) {
        command.error(`cohortwatch simulate: ${error instanceof Error ? error.message : String(error)}`, { exitCode: 2 });
      }
      const { patients, events } = await run(flags);
      const where = flags.out === '-' ? 'stdout' : flags.out;
      process.stderr.write(`simulated ${patients} patients, ${events} events -> ${where}${flags.truth ? ` (truth: ${flags.truth})` : ''}\n`);
    });
};
