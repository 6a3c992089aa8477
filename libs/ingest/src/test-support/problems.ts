import { IngestRequestError } from '../events/ingest-request-error';

/** Runs `run`, expecting an IngestRequestError, and returns it. */
export function refusal(run: () => unknown): IngestRequestError {
  try {
    run();
  } catch (error) {
    if (error instanceof IngestRequestError) return error;
    throw error;
  }
  throw new Error('expected an IngestRequestError');
}

/** Awaits `run`, expecting an IngestRequestError, and returns it. */
export async function asyncRefusal(run: () => Promise<unknown>): Promise<IngestRequestError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof IngestRequestError) return error;
    throw error;
  }
  throw new Error('expected an IngestRequestError');
}
