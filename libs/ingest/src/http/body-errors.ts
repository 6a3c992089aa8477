import { IngestRequestError } from '../events/ingest-request-error';

/** Turns body-parser's errors (body too large, bad encoding, aborted upload) into request errors; anything else passes. */
export function bodyReadError(error: unknown, maxBodyBytes: number): IngestRequestError | undefined {
  const type = (error as { type?: string } | null)?.type;
  if (type === 'entity.too.large') return new IngestRequestError('payload-too-large', `the request body is larger than the limit of ${maxBodyBytes} bytes`);
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new IngestRequestError('unsupported-media-type', (error as Error).message);
  }
  if (type === 'request.aborted' || type === 'request.size.invalid' || type === 'stream.encoding.set') {
    return new IngestRequestError('bad-request', (error as Error).message);
  }
  const status = (error as { status?: number } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) return new IngestRequestError('bad-request', (error as Error).message);
  return undefined;
}
