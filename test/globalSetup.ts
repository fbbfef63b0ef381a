// Runs once before all test files. Integration tests need the real services: fail fast with a clear
// message when one is down instead of timing out test by test.
import net from 'node:net';

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 2000 });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
  });
}

export default async function setup(): Promise<void> {
  const pg = new URL(process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const redis = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const [pgUp, redisUp] = await Promise.all([
    reachable(pg.hostname, Number(pg.port || 5432)),
    reachable(redis.hostname, Number(redis.port || 6379)),
  ]);
  if (!pgUp) throw new Error(`PostgreSQL is not reachable at ${pg.host}; start it (see .ci/run)`);
  if (!redisUp) throw new Error(`Redis is not reachable at ${redis.host}; start it (see .ci/run)`);
}
