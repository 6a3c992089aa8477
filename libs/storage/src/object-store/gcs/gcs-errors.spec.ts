import { IntegrityError, ObjectAlreadyExistsError, ObjectNotFoundError } from '../errors';
import { httpStatusOf, isChecksumRejection, isTransientGcsError } from './gcs-errors';

const withCode = (message: string, code: unknown) => Object.assign(new Error(message), { code });

describe('isTransientGcsError', () => {
  it('retries 408, 429 and 5xx answers, in every shape the client reports them', () => {
    for (const status of [408, 429, 500, 503]) {
      expect(isTransientGcsError(withCode('x', status))).toBe(true); // ApiError, "Upload failed"
      expect(isTransientGcsError(Object.assign(new Error('x'), { status }))).toBe(true);
      expect(isTransientGcsError(Object.assign(new Error('x'), { response: { status } }))).toBe(true); // GaxiosError
    }
    expect(isTransientGcsError(withCode('x', 404))).toBe(false);
    expect(isTransientGcsError(withCode('x', 412))).toBe(false);
  });

  it('retries network errors by their code, also as the cause of another error', () => {
    expect(isTransientGcsError(withCode('read ECONNRESET', 'ECONNRESET'))).toBe(true);
    expect(isTransientGcsError(withCode('premature close', 'ERR_STREAM_PREMATURE_CLOSE'))).toBe(true);
    expect(isTransientGcsError(new Error('request failed', { cause: withCode('connect ECONNREFUSED', 'ECONNREFUSED') }))).toBe(true);
    expect(isTransientGcsError(withCode('no such file', 'ENOENT'))).toBe(false);
  });

  it('never reads the message: a network error named only in the text is not one', () => {
    expect(isTransientGcsError(new Error('socket hang up: read ECONNRESET'))).toBe(false);
    expect(isTransientGcsError(new Error('Retry limit exceeded - status: 503'))).toBe(false);
    expect(httpStatusOf(new Error('Retry limit exceeded - status: 503'))).toBeUndefined();
  });

  it("never retries the store's own errors, whatever their message says", () => {
    expect(isTransientGcsError(new ObjectNotFoundError('logs/ECONNRESET.txt', 'gs://b/'))).toBe(false);
    expect(isTransientGcsError(new ObjectAlreadyExistsError('ETIMEDOUT', 'gs://b/'))).toBe(false);
    expect(isTransientGcsError(new IntegrityError('socket hang up', 'AAAAAA==', 'BBBBBB=='))).toBe(false);
  });
});

describe('isChecksumRejection', () => {
  it("recognises GCS's 400 for data that does not match the CRC-32C sent with it", () => {
    const message = 'Provided CRC32C "AAAAAA==" doesn\'t match calculated CRC32C "BBBBBB==".';
    expect(isChecksumRejection(withCode(message, 400))).toBe(true);
    // The resumable upload's "Upload failed" error carries GCS's JSON answer in `errors`.
    expect(isChecksumRejection(Object.assign(withCode('Upload failed', 400), { errors: [{ error: { code: 400, message } }] }))).toBe(true);
    expect(isChecksumRejection(withCode('Invalid argument: hash', 400))).toBe(false);
    expect(isChecksumRejection(withCode(message, 503))).toBe(false);
  });
});
