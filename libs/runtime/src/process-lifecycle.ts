import type { Logger } from 'pino';
import { ConfigError } from './config-error';

/** What an app's factory returns: something that runs until stopped or failed. */
export interface RunningApp {
  /** Settles when the app stops on its own: resolves on a clean stop, rejects on a fatal error. */
  done: Promise<void>;
  /** Stops taking new work and releases resources. */
  stop(): Promise<void>;
}

export interface RunMainOptions {
  logger: Logger;
  /** How long a graceful stop may take after SIGTERM/SIGINT before the process exits anyway. */
  stopTimeoutMs?: number;
  /** For tests: instead of process.exit. */
  exit?: (code: number) => void;
}

/**
 * Runs an app as the process's main: a fatal error is logged and exits with
 * code 1 (the orchestrator restarts the pod); SIGTERM/SIGINT stop the app
 * within `stopTimeoutMs`, then exit. Apps must be correct without the stop
 * ever running (kill -9): stop is only there to release connections sooner.
 */
export async function runMain(start: () => Promise<RunningApp>, options: RunMainOptions): Promise<void> {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const { logger } = options;
  let app: RunningApp;
  try {
    app = await start();
  } catch (err) {
    if (err instanceof ConfigError) logger.fatal({ problems: err.problems }, `start-up failed: ${err.message}`);
    else logger.fatal({ err }, 'start-up failed');
    exit(1);
    return;
  }
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs: options.stopTimeoutMs }, 'stop timed out; exiting');
      exit(1);
    }, options.stopTimeoutMs ?? 10_000);
    timer.unref();
    app.stop().then(
      () => exit(0),
      (err: unknown) => {
        logger.error({ err }, 'stop failed');
        exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    await app.done;
    if (!stopping) {
      logger.info('app finished');
      exit(0);
    }
  } catch (err) {
    logger.fatal({ err }, 'fatal error; exiting');
    exit(1);
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}
