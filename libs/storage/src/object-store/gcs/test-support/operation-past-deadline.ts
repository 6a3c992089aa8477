/**
 * Child process for the deadline tests: runs one GcsStore operation against a server whose
 * answers are slower than the deadline, prints one JSON line with the outcome, and returns
 * from main without process.exit: the process ends only when nothing (no request left running)
 * holds it open.   Usage: tsx operation-past-deadline.ts <apiEndpoint> <bucket> put|put-resumable|get|stat|list|delete <deadlineMs> [localFile]
 */
import { GcsStore } from '../gcs-store';

export interface Outcome {
  error?: string;
  elapsedMs: number;
}

async function main(): Promise<void> {
  const [apiEndpoint, bucket, operation, deadlineMs, localFile] = process.argv.slice(2);
  const store = new GcsStore(`gs://${bucket}/deadline`, {
    storageOptions: { apiEndpoint, projectId: 'deadline-test' },
    retry: { deadlineMs: Number(deadlineMs), initialDelayMs: 5, maxDelayMs: 20 },
    resumableThresholdBytes: operation === 'put-resumable' ? 1 : undefined,
  });
  const started = Date.now();
  const run: Record<string, () => Promise<unknown>> = {
    put: () => store.putFile(localFile, 'slow.bin'),
    'put-resumable': () => store.putFile(localFile, 'slow.bin'),
    get: () => store.get('slow.bin'),
    stat: () => store.stat('slow.bin'),
    list: () => store.list(''),
    delete: () => store.delete('slow.bin'),
  };
  const outcome: Outcome = { elapsedMs: 0 };
  try {
    await run[operation]();
  } catch (error) {
    outcome.error = (error as Error).name;
  }
  outcome.elapsedMs = Date.now() - started;
  process.stdout.write(`${JSON.stringify(outcome)}\n`);
}

if (require.main === module) void main();
