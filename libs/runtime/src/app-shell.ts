import type { Registry } from 'prom-client';
import { startHealthServer, type ReadinessCheck } from './health-server';
import { createLogger, type Logger } from './logger';
import { createMetricsRegistry } from './metrics-registry';
import type { RunningApp } from './process-lifecycle';

export interface AppShellOptions {
  /** The app's name: the `app` label on its metrics and the `name` on its logs. */
  name: string;
  /** Port of the operations server (/healthz, /readyz, /metrics); 0 picks a free one. */
  opsPort: number;
  logLevel?: string;
  /** Defaults to a JSON logger on standard output. */
  logger?: Logger;
  /** Checks behind /readyz; the app can add more later through `readiness`. */
  readiness?: Record<string, ReadinessCheck>;
}

/** What every app is built on: logging, a metrics registry and the operations server. */
export interface AppShell extends RunningApp {
  logger: Logger;
  registry: Registry;
  /** Base URL of the operations server. */
  opsUrl: string;
  /** Live map of readiness checks: an app adds its dependencies as it connects them. */
  readiness: Record<string, ReadinessCheck>;
  /** Runs on stop, most recently added first (the reverse of start-up order). */
  onStop(release: () => Promise<void>): void;
}

export async function startAppShell(options: AppShellOptions): Promise<AppShell> {
  const logger = options.logger ?? createLogger({ name: options.name, level: options.logLevel });
  const registry = createMetricsRegistry(options.name);
  const readiness: Record<string, ReadinessCheck> = { ...options.readiness };
  const ops = await startHealthServer({ port: options.opsPort, registry, readiness });
  logger.info({ opsPort: ops.port }, 'operations server listening');

  const releases: Array<() => Promise<void>> = [() => ops.close()];
  let finished: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finished = resolve));
  let stopping: Promise<void> | undefined;
  const stopAll = async () => {
    for (const release of [...releases].reverse()) await release();
    finished();
  };
  return {
    logger,
    registry,
    opsUrl: ops.url,
    readiness,
    done,
    onStop: (release) => releases.push(release),
    stop: () => (stopping ??= stopAll()),
  };
}
