// A private Redis Cluster for tests: redis-server nodes started on free ports (--cluster-enabled yes)
// and joined by `redis-cli --cluster create` with no replicas, each node owning a third of the slots.
// Private because stopping it must never touch the shared Redis other test files use.
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from './privateServers.ts';

const run = promisify(execFile);

/** Whether redis-server is installed (the cluster tests are skipped without it). */
export const hasRedisServer = await run('redis-server', ['--version']).then(() => true, () => false);

export interface PrivateRedisCluster {
  readonly ports: readonly number[];
  /** The nodes as REDIS_CLUSTER_NODES wants them: comma-separated redis:// URLs. */
  readonly nodesEnv: string;
  /** Stops every node (idempotent) and removes their directories. */
  stop(): Promise<void>;
}

async function ping(port: number): Promise<boolean> {
  const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  // Refused until the node listens: expected, and unheard ioredis would print it.
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) { resolve(); return; }
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export async function startRedisCluster(size = 3): Promise<PrivateRedisCluster> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cw-redis-cluster-'));
  const nodes: { port: number; process: ChildProcess }[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((node) => kill(node.process)));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < size; i++) {
      const port = await freePort();
      const nodeDir = path.join(dir, String(port));
      mkdirSync(nodeDir);
      const child = spawn('redis-server', [
        '--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', path.join(nodeDir, 'nodes.conf'),
        '--cluster-node-timeout', '5000', '--save', '', '--appendonly', 'no', '--dir', nodeDir,
      ], { stdio: 'ignore' });
      nodes.push({ port, process: child });
    }
    for (const node of nodes) {
      for (let k = 0; k < 100 && !(await ping(node.port)); k++) await sleep(50);
    }
    await run('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes']);
    // The slots are assigned; wait until every node agrees the cluster is up.
    for (const node of nodes) {
      for (let k = 0; k < 200; k++) {
        const { stdout } = await run('redis-cli', ['-p', String(node.port), 'cluster', 'info']);
        if (stdout.includes('cluster_state:ok')) break;
        await sleep(50);
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const ports = nodes.map((n) => n.port);
  return { ports, nodesEnv: ports.map((p) => `redis://127.0.0.1:${p}`).join(','), stop };
}
