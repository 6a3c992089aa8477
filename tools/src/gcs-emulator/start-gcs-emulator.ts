import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FaultInjector, type GcsEmulatorFaults } from './faults';
import { ObjectStore } from './object-store';
import { createEmulatorServer } from './server';
import { DEFAULT_UPLOAD_SESSION_TTL_MS, UploadSessions } from './upload-sessions';

export interface GcsEmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Where buckets and objects are kept. Default: a new temporary directory, removed by `stop()`. */
  dataDir?: string;
  /** Buckets to create at start unless they already exist. */
  buckets?: string[];
  /**
   * A resumable upload session without a request for this long is dropped and its staged
   * bytes removed. Default one week, as on GCS; tests of the clean-up use a short one.
   */
  uploadSessionTtlMs?: number;
}

export interface GcsEmulator {
  /** `http://host:port`, for `new Storage({ apiEndpoint: url, projectId })`. */
  url: string;
  port: number;
  dataDir: string;
  faults: GcsEmulatorFaults;
  /**
   * Options for `new Storage(...)`. `STORAGE_EMULATOR_HOST` must be unset: with both, the
   * client sends JSON calls to the variable's host and uploads to `apiEndpoint`.
   */
  storageOptions(): { apiEndpoint: string; projectId: string };
  stop(): Promise<void>;
}

/** Starts a GCS JSON API emulator on local disk; resolves once it accepts connections. */
export async function startGcsEmulator(options: GcsEmulatorOptions = {}): Promise<GcsEmulator> {
  const host = options.host ?? '127.0.0.1';
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = resolve(options.dataDir ?? (await mkdtemp(join(tmpdir(), 'gcs-emulator-'))));

  const store = await ObjectStore.open(dataDir);
  for (const bucket of options.buckets ?? []) {
    if (!store.hasBucket(bucket)) await store.createBucket(bucket);
  }
  const faults = new FaultInjector();
  const sessions = new UploadSessions({ ttlMs: options.uploadSessionTtlMs ?? DEFAULT_UPLOAD_SESSION_TTL_MS });
  sessions.startSweeping();
  const server = createEmulatorServer({ store, sessions, faults });
  server.listen(options.port ?? 0, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const url = `http://${host}:${port}`;

  let stopped: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    sessions.close();
    const closed = once(server, 'close');
    server.close();
    // Keep-alive connections of the client would hold `close` back otherwise.
    server.closeAllConnections();
    await closed;
    if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
  };

  return {
    url,
    port,
    dataDir,
    faults,
    storageOptions: () => ({ apiEndpoint: url, projectId: 'gcs-emulator' }),
    stop: () => (stopped ??= stop()),
  };
}
