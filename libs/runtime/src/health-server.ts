import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** A readiness check: resolves when the dependency is usable, rejects (with a reason) when not. */
export type ReadinessCheck = () => Promise<void>;

export interface HealthServerOptions {
  port: number;
  host?: string;
  registry: Registry;
  /** Named checks run on every `/readyz`; all must pass for 200. Read on each request, so checks added later count. */
  readiness?: Record<string, ReadinessCheck>;
}

export interface HealthServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

/**
 * The operations endpoints every app serves on its own port:
 * - `GET /healthz` 200 while the process runs (liveness);
 * - `GET /readyz`  200 when every readiness check passes, 503 with the failing checks otherwise;
 * - `GET /metrics` Prometheus text format.
 */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const reply = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type }).end(body);
    };
    if (req.method !== 'GET') return reply(405, 'application/json', JSON.stringify({ error: 'method not allowed' }));
    if (path === '/healthz') return reply(200, 'application/json', JSON.stringify({ status: 'ok' }));
    if (path === '/metrics') {
      options.registry
        .metrics()
        .then((text) => reply(200, options.registry.contentType, text))
        .catch((err: unknown) => reply(500, 'text/plain', String(err)));
      return;
    }
    if (path === '/readyz') {
      runChecks(options.readiness ?? {}).then((failures) => {
        const ready = Object.keys(failures).length === 0;
        reply(ready ? 200 : 503, 'application/json', JSON.stringify({ status: ready ? 'ready' : 'not ready', failures }));
      });
      return;
    }
    reply(404, 'application/json', JSON.stringify({ error: `no such endpoint: ${path}` }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function runChecks(checks: Record<string, ReadinessCheck>): Promise<Record<string, string>> {
  const failures: Record<string, string> = {};
  await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        await check();
      } catch (err) {
        failures[name] = err instanceof Error ? err.message : String(err);
      }
    }),
  );
  return failures;
}
