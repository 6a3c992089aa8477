/**
 * A GCS JSON API emulator on local disk for the real `@google-cloud/storage` client:
 *
 *   const gcs = await startGcsEmulator({ buckets: ['archive'] });
 *   const storage = new Storage(gcs.storageOptions()); // with STORAGE_EMULATOR_HOST unset
 *   gcs.faults.failNextRequests({ status: 503, count: 2 });
 *   await gcs.stop();
 *
 * Standalone: `npx tsx tools/src/gcs-emulator/cli.ts --port 4443 --data ./tmp/gcs`; faults are
 * then injected with `POST /_emulator/faults` (see `GcsFaultRequest`).
 */
export { startGcsEmulator, type GcsEmulator, type GcsEmulatorOptions } from './start-gcs-emulator';
export type {
  CutUploadsOptions as GcsCutUploadsOptions,
  FailRequestsOptions as GcsFailRequestsOptions,
  GcsEmulatorFaults,
  InjectedStatus as GcsInjectedStatus,
  PendingFaults as GcsPendingFaults,
  RequestMatch as GcsRequestMatch,
} from './faults';
export type { FaultRequest as GcsFaultRequest } from './fault-control-endpoint';
export { FAULT_CONTROL_PATH as GCS_EMULATOR_FAULTS_PATH, type RouteKind as GcsRouteKind } from './route';
