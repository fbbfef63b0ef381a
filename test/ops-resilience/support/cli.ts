// Running `cohortwatch` as a user does (a child process), timing it, and following a long-running
// command's JSON log lines (worker, scheduler).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Run { code: number | null; stdout: string; stderr: string; ms: number }

const BIN = 'bin/cohortwatch.js';

/** Runs a command to its end (killed after killAfterMs, so a hang fails the test rather than the run). */
export function runCli(args: readonly string[], env: Record<string, string>, killAfterMs = 30_000, cwd = process.cwd()): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

export interface Service {
  child: ChildProcess;
  /** Parsed JSON log lines so far. */
  logs: Record<string, unknown>[];
  stderr(): string;
  waitForLog(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Sends the signal; resolves with the exit code and how long the exit took. */
  signal(signal: NodeJS.Signals): Promise<{ code: number | null; ms: number }>;
  exited(): Promise<{ code: number | null }>;
}

export function startService(args: readonly string[], env: Record<string, string>): Service {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString();
    const lines = text.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        logs.push({ text: line });
      }
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const exit = new Promise<{ code: number | null }>((resolve) => child.on('exit', (code) => resolve({ code })));
  return {
    child, logs,
    stderr: () => stderr,
    async waitForLog(match, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = logs.find(match);
        if (found) return found;
        if (child.exitCode !== null) throw new Error(`the service exited (${child.exitCode}) before the log line; stderr: ${stderr}`);
        if (Date.now() > deadline) throw new Error(`no such log line within ${timeoutMs} ms; last lines: ${JSON.stringify(logs.slice(-5))}`);
        await sleep(50);
      }
    },
    async signal(signal) {
      const sent = Date.now();
      child.kill(signal);
      const { code } = await exit;
      return { code, ms: Date.now() - sent };
    },
    exited: () => exit,
  };
}

/** Polls until check() returns a value, or fails after timeoutMs. */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last instanceof Error ? ` (last error: ${last.message})` : ''}`);
    await sleep(100);
  }
}

export async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return { status: response.status, body: await response.json() as Record<string, unknown> };
}
