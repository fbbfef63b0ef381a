// What the user sees while the replay runs: a progress bar of the quarters on a terminal, one plain
// line per look otherwise (CI logs, pipes), so the output is readable either way.
import cliProgress from 'cli-progress';

export interface ReplayProgress {
  start(totalLooks: number): void;
  /** Within a quarter: what is being done now (delivering events, reanalysis, report). */
  phase(cutoff: string, text: string): void;
  /** A look is done. */
  look(done: number, cutoff: string, summary: string): void;
  stop(): void;
}

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): ReplayProgress {
  if (!stream.isTTY) return lineProgress(stream);
  const bar = new cliProgress.SingleBar({
    stream,
    format: 'quarter {cutoff} |{bar}| look {value}/{total} | {phase}',
    barsize: 30,
    hideCursor: true,
    clearOnComplete: false,
  }, cliProgress.Presets.shades_classic);
  return {
    start: (total) => bar.start(total, 0, { cutoff: '----------', phase: 'starting' }),
    phase: (cutoff, text) => bar.update({ cutoff, phase: text }),
    look: (done, cutoff, summary) => bar.update(done, { cutoff, phase: summary }),
    stop: () => bar.stop(),
  };
}

export function lineProgress(stream: NodeJS.WritableStream): ReplayProgress {
  let total = 0;
  return {
    start: (n) => { total = n; },
    phase: () => undefined,
    look: (done, cutoff, summary) => { stream.write(`look ${done}/${total} cutoff ${cutoff}: ${summary}\n`); },
    stop: () => undefined,
  };
}

export const silentProgress: ReplayProgress = { start: () => undefined, phase: () => undefined, look: () => undefined, stop: () => undefined };
