// The operational endpoints of the worker and the scheduler: GET /healthz (200 when everything the
// service depends on answers, else 503 with what failed) and GET /metrics (Prometheus text format).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface HealthCheck {
  (): Promise<{ ok: boolean; detail: Record<string, string> }>;
}

export interface OpsServer {
  port: number;
  close(): Promise<void>;
}

/** The port of /healthz and /metrics could not be bound: a start-up error, never a service running unseen. */
export class OpsPortError extends Error {
  override name = 'OpsPortError';
}

export async function startOpsServer(port: number, registry: Registry, health: HealthCheck): Promise<OpsServer> {
  const server = http.createServer((request, response) => {
    void respond(request, response, registry, health);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const why = error.code === 'EADDRINUSE' ? 'the port is already in use' : error.code === 'EACCES' ? 'permission denied' : error.message;
      reject(new OpsPortError(`cannot serve /healthz and /metrics on port ${port}: ${why} (choose another with METRICS_PORT, or SCHEDULER_METRICS_PORT for the scheduler; 0 picks a free one)`));
    });
    server.listen(port, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

async function respond(request: http.IncomingMessage, response: http.ServerResponse, registry: Registry, health: HealthCheck): Promise<void> {
  try {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method === 'GET' && path === '/healthz') {
      const result = await health();
      response.writeHead(result.ok ? 200 : 503, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ status: result.ok ? 'ok' : 'unavailable', ...result.detail }));
    } else if (request.method === 'GET' && path === '/metrics') {
      const body = await registry.metrics();
      response.writeHead(200, { 'content-type': registry.contentType });
      response.end(body);
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('not found\n');
    }
  } catch (error) {
    response.writeHead(500, { 'content-type': 'text/plain' });
    response.end(`${error instanceof Error ? error.message : 'error'}\n`);
  }
}
