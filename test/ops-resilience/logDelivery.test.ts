// Log lines are written asynchronously (src/logging/logger.ts), yet a process that logs one line and
// goes on running must show it at once (an operator tailing a quiet scheduler), and a process that
// exits right after logging must not lose it.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const LOGGER = fileURLToPath(new URL('../../src/logging/logger.ts', import.meta.url));

function run(script: string): { lines: () => string[]; exited: Promise<number | null>; kill: () => void } {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `import { createLogger } from ${JSON.stringify(LOGGER)};\n${script}`], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString('utf8'); });
  return {
    lines: () => out.split('\n').filter((l) => l !== ''),
    exited: new Promise((resolve) => child.once('exit', resolve)),
    kill: () => child.kill('SIGKILL'),
  };
}

async function until(condition: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return condition();
}

describe('log delivery', () => {
  it('shows a lone line while the process keeps running', async () => {
    const child = run("const log = createLogger({ LOG_LEVEL: 'info' }, 'quiet');\nlog.info({ look: 3 }, 'scheduler waiting');\nsetTimeout(() => {}, 20000);");
    try {
      expect(await until(() => child.lines().length > 0, 5_000)).toBe(true);
      expect(JSON.parse(child.lines()[0])).toMatchObject({ level: 30, name: 'quiet', look: 3, msg: 'scheduler waiting' });
    } finally {
      child.kill();
    }
  }, 20_000);

  it('keeps every line of a process that exits right after logging', async () => {
    const child = run("const log = createLogger({ LOG_LEVEL: 'info' }, 'brief');\nfor (let i = 0; i < 500; i++) log.info({ i }, 'line');\nprocess.exit(3);");
    expect(await child.exited).toBe(3);
    const lines = child.lines().map((l) => JSON.parse(l) as { i: number });
    expect(lines.map((l) => l.i)).toEqual(Array.from({ length: 500 }, (_, i) => i));
  }, 20_000);
});
