import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import type { RegisterCommand } from './commands.ts';
import { loadEnv } from '../config/env.ts';
import { SIGNAL_STATES, estimandTitle } from '../analysis/signals/index.ts';
import type { PersonAction, SignalState, SignalView } from '../analysis/signals/index.ts';
import { getSignal, listSignals, signalAction, SignalInputError, SignalTransitionError } from '../jobs/signalStore.ts';
import { withDatabase } from './pipeline/resources.ts';
import { signalJson } from '../reports/signalEvidenceCounts.ts';

const stateArg = (value: string): SignalState => {
  if (!(SIGNAL_STATES as readonly string[]).includes(value)) throw new InvalidArgumentError(`must be one of ${SIGNAL_STATES.join(', ')}`);
  return value as SignalState;
};
const idArg = (value: string): number => {
  const n = Number(value);
  if (!/^\d{1,15}$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('must be a signal id (a positive whole number)');
  return n;
};

const line = (s: SignalView) => `#${s.id}\t${s.state}\t${s.rule}\t${estimandTitle(s.population, s.endpoint)}\topened at cutoff ${s.openedAtCutoff}, last ${s.lastCutoff}`;

/** Runs a person's action; a missing signal, bad input or an impossible transition is one line, exit 2. */
async function act(id: number, action: PersonAction, by: string, text: string): Promise<void> {
  try {
    const s = await withDatabase(loadEnv(), (db) => signalAction(db, id, action, by, text));
    console.log(`${line(s)}\n${s.history.at(-1)?.action ?? ''} by ${s.history.at(-1)?.by ?? ''}`);
  } catch (error) {
    if (error instanceof SignalInputError || error instanceof SignalTransitionError) {
      console.error(`cohortwatch: ${error.message}`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
}

function personCommand(command: Command, name: string, action: PersonAction, textFlag: 'comment' | 'decision', description: string): void {
  command.command(name).argument('<id>', 'signal id', idArg).description(description)
    .requiredOption('--by <email>', 'who acts (an e-mail address; kept in the audit trail)')
    .requiredOption(`--${textFlag} <text>`, textFlag === 'decision' ? 'the decision taken (kept in the audit trail)' : 'why (kept in the audit trail)')
    .action(async (id: number, options: { by: string; comment?: string; decision?: string }) => {
      await act(id, action, options.by, options[textFlag] ?? '');
    });
}

/**
 * `cohortwatch signals list|show|ack|close|reopen`: signals opened by the looks' effect alerts and
 * monitoring state changes, and the audit trail of what was done about them (docs/analysis.md, "Signals").
 */
export const registerSignals: RegisterCommand = (program) => {
  const command = program.command('signals').description('signals opened by the looks, and their lifecycle: acknowledge, close with a decision, reopen');
  command.command('list')
    .description('list signals, newest first')
    .option('--json', 'JSON output')
    .option('--state <state>', `only signals in this state (${SIGNAL_STATES.join(', ')})`, stateArg)
    .action(async (options: { json?: boolean; state?: SignalState }) => {
      const env = loadEnv();
      const signals = await withDatabase(env, (db) => listSignals(db, options.state === undefined ? {} : { state: options.state }));
      if (options.json) {
        console.log(JSON.stringify(signals.map((s) => signalJson(s, env.SMALL_CELL_MIN)), null, 2));
        return;
      }
      if (signals.length === 0) console.log(options.state ? `no ${options.state} signals` : 'no signals');
      for (const s of signals) console.log(line(s));
    });
  command.command('show').argument('<id>', 'signal id', idArg)
    .description('one signal with its evidence and audit trail')
    .option('--json', 'JSON output')
    .action(async (id: number, options: { json?: boolean }) => {
      const env = loadEnv();
      const s = await withDatabase(env, (db) => getSignal(db, id));
      if (!s) {
        console.error(`cohortwatch: no signal with id ${id}`);
        process.exitCode = 2;
        return;
      }
      if (options.json) {
        console.log(JSON.stringify(signalJson(s, env.SMALL_CELL_MIN), null, 2));
        return;
      }
      console.log(line(s));
      console.log(`evidence (look ${s.evidence.look}, cutoff ${s.evidence.cutoff}): ${s.evidence.summary}`);
      for (const h of s.history) console.log(`  ${h.at}\t${h.action}\t${h.by}\t${h.comment}`);
    });
  personCommand(command, 'ack', 'ack', 'comment', 'acknowledge an open signal (you have read it and are assessing it)');
  personCommand(command, 'close', 'close', 'decision', 'close a signal with the decision taken');
  personCommand(command, 'reopen', 'reopen', 'comment', 'reopen an acknowledged or closed signal');
};
