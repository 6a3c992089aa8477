import { startGcsEmulator, type GcsEmulator } from '@eventpath/dev-infra';
import { execFileSync, spawn } from 'node:child_process';
import { Storage, CRC32C } from '@google-cloud/storage';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { IntegrityError, ObjectAlreadyExistsError, ObjectNotFoundError, StorageDeadlineExceededError, StorageRequestError } from '../errors';
import { describeObjectStoreContract } from '../test-support/object-store-contract';
import { GcsStore, type GcsStoreOptions } from './gcs-store';
import type { RetryEvent } from './retry-until-deadline';
import type { Outcome } from './test-support/operation-past-deadline';

const BUCKET = 'eventpath-test';
let emulator: GcsEmulator;
let prefixCounter = 0;

beforeAll(async () => {
  // With STORAGE_EMULATOR_HOST set, the client would send JSON calls there and uploads to apiEndpoint.
  delete process.env.STORAGE_EMULATOR_HOST;
  emulator = await startGcsEmulator({ buckets: [BUCKET] });
});

afterAll(async () => {
  await emulator?.stop();
});

/** A store on a prefix no other test uses, retrying fast so fault tests stay quick. */
function storeOnFreshPrefix(options: GcsStoreOptions = {}): GcsStore {
  return new GcsStore(`gs://${BUCKET}/test-${process.pid}-${++prefixCounter}`, {
    storageOptions: emulator.storageOptions(),
    ...options,
    retry: { initialDelayMs: 5, maxDelayMs: 50, deadlineMs: 20_000, ...options.retry },
  });
}

describeObjectStoreContract('GcsStore on the emulator', async () => {
  emulator.faults.reset();
  return { store: storeOnFreshPrefix(), cleanup: async () => undefined };
});

describe('GcsStore', () => {
  let scratch: string;

  beforeEach(async () => {
    emulator.faults.reset();
    scratch = await mkdtemp(join(tmpdir(), 'gcs-store-'));
  });

  afterEach(async () => {
    emulator.faults.reset();
    await rm(scratch, { recursive: true, force: true });
  });

  async function localFile(bytes: number): Promise<{ path: string; content: Buffer }> {
    const content = randomBytes(bytes);
    const path = join(scratch, `file-${bytes}`);
    await writeFile(path, content);
    return { path, content };
  }

  it('prepends the URL prefix to names and strips it from listed names', async () => {
    const store = new GcsStore(`gs://${BUCKET}/nested/prefix`, { storageOptions: emulator.storageOptions() });
    expect(store.url).toBe(`gs://${BUCKET}/nested/prefix/`);
    const raw = new Storage(emulator.storageOptions()).bucket(BUCKET);
    await raw.file('nested/prefixed-sibling').save('not ours');
    await raw.file('nested/other').save('not ours');
    await store.putStream(Readable.from([Buffer.from('ours')]), 'x/y.parquet');

    const [rawNames] = await raw.getFiles({ prefix: 'nested/' });
    expect(rawNames.map((f) => f.name).sort()).toEqual(['nested/other', 'nested/prefix/x/y.parquet', 'nested/prefixed-sibling']);
    expect((await store.list('')).items.map((i) => i.name)).toEqual(['x/y.parquet']);
    expect((await store.stat('x/y.parquet'))?.name).toBe('x/y.parquet');
  });

  describe.each([
    ['multipart', 64 * 1024, 'objects.insert.multipart'],
    ['resumable', 3 * 1024 * 1024, 'uploads.put'],
  ] as const)('a %s upload', (_kind, size, uploadRequest) => {
    const options: GcsStoreOptions = { resumableThresholdBytes: 1024 * 1024 };

    it.each([503, 500, 429, 408] as const)('is retried after 3 answers of %i, then succeeds', async (status) => {
      const store = storeOnFreshPrefix(options);
      const { path, content } = await localFile(size);
      emulator.faults.failNextRequests({ status, count: 3, kind: uploadRequest });
      const info = await store.putFile(path, 'retried.bin');
      expect(emulator.faults.pending().failures).toEqual([]);
      expect(info.size).toBe(size);
      expect((await store.get('retried.bin')).equals(content)).toBe(true);
    });

    it('is restarted after the connection is cut mid-upload', async () => {
      const store = storeOnFreshPrefix(options);
      const { path, content } = await localFile(size);
      emulator.faults.cutNextUploads({ count: 2, afterBytes: Math.floor(size / 3) });
      const info = await store.putFile(path, 'cut.bin');
      expect(emulator.faults.pending().connectionCuts).toEqual([]);
      const crc = new CRC32C();
      crc.update(content);
      expect(info).toMatchObject({ size, crc32c: crc.toString() });
      expect((await store.get('cut.bin')).equals(content)).toBe(true);
    });

    it('fails with IntegrityError when the stored CRC-32C does not match, and leaves nothing stored', async () => {
      const store = storeOnFreshPrefix(options);
      const { path } = await localFile(size);
      emulator.faults.corruptNextUploadHashes(1);
      const error = await store.putFile(path, 'corrupt.bin').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IntegrityError);
      expect(emulator.faults.pending().hashCorruptions).toBe(0);
      expect(await store.stat('corrupt.bin')).toBeUndefined();
      expect((await store.list('')).items).toEqual([]);
    });
  });

  it('reports each retried failure to onRetry', async () => {
    const events: RetryEvent[] = [];
    const store = storeOnFreshPrefix({ onRetry: (event) => events.push(event) });
    emulator.faults.failNextRequests({ status: 503, count: 2, kind: 'objects.insert.multipart' });
    await store.putStream(Readable.from([Buffer.from('x')]), 'observed');
    expect(events.map((e) => [e.operation, e.objectName, e.attempt])).toEqual([
      ['put', 'observed', 1],
      ['put', 'observed', 2],
    ]);
    expect(String(events[0].error)).toMatch(/503/);
  });

  describe('an ifAbsent upload whose answer is lost after GCS stored it', () => {
    let proxy: Server;
    let dropNextUploadAnswer = false;

    // Forwards to the emulator; once armed, lets one upload through and then cuts the
    // connection instead of passing GCS's 200 back, as a network failure at that moment would.
    beforeAll(async () => {
      const target = new URL(emulator.url);
      proxy = createServer((req, res) => {
        const upstream = request(
          { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
          (answer) => {
            if (dropNextUploadAnswer && req.url?.startsWith('/upload/')) {
              dropNextUploadAnswer = false;
              answer.resume();
              answer.once('end', () => req.socket.destroy());
              return;
            }
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        req.pipe(upstream);
      });
      proxy.listen(0, '127.0.0.1');
      await once(proxy, 'listening');
    });

    afterAll(async () => {
      proxy.closeAllConnections();
      proxy.close();
    });

    function storeThroughProxy(): GcsStore {
      const { port } = proxy.address() as AddressInfo;
      return storeOnFreshPrefix({ storageOptions: { apiEndpoint: `http://127.0.0.1:${port}`, projectId: 'proxy' } });
    }

    it('is recognised on retry as its own success (same CRC-32C and size)', async () => {
      const store = storeThroughProxy();
      dropNextUploadAnswer = true;
      const info = await store.putStream(Readable.from([Buffer.from('exactly once')]), 'lost-answer', { ifAbsent: true });
      expect(dropNextUploadAnswer).toBe(false);
      expect(info).toMatchObject({ name: 'lost-answer', size: 'exactly once'.length });
      expect((await store.get('lost-answer')).toString()).toBe('exactly once');
    });

    it('still fails with ObjectAlreadyExistsError when the name holds different content', async () => {
      const store = storeThroughProxy();
      await store.putStream(Readable.from([Buffer.from('someone else')]), 'taken');
      dropNextUploadAnswer = true;
      // The dropped answer is the 412 itself; the retry gets another 412 for content that is not ours.
      await expect(store.putStream(Readable.from([Buffer.from('mine')]), 'taken', { ifAbsent: true })).rejects.toBeInstanceOf(
        ObjectAlreadyExistsError,
      );
      expect((await store.get('taken')).toString()).toBe('someone else');
    });
  });

  it('retries reads, listings and deletes on 503', async () => {
    const store = storeOnFreshPrefix();
    await store.putStream(Readable.from([Buffer.from('content')]), 'obj');
    emulator.faults.failNextRequests({ status: 503, count: 2, kind: 'objects.download' });
    expect((await store.get('obj')).toString()).toBe('content');
    emulator.faults.failNextRequests({ status: 503, count: 2, kind: 'objects.get' });
    expect((await store.stat('obj'))?.size).toBe(7);
    emulator.faults.failNextRequests({ status: 503, count: 2, kind: 'objects.list' });
    expect((await store.list('')).items).toHaveLength(1);
    emulator.faults.failNextRequests({ status: 503, count: 2, kind: 'objects.delete' });
    expect(await store.delete('obj')).toBe(true);
    expect(emulator.faults.pending().failures).toEqual([]);
  });

  it('fails with StorageDeadlineExceededError when answers take longer than the deadline', async () => {
    const store = storeOnFreshPrefix({ retry: { deadlineMs: 400 } });
    const { path } = await localFile(10_000);
    emulator.faults.setResponseDelay(1_500);
    const started = Date.now();
    const error = await store.putFile(path, 'slow.bin').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageDeadlineExceededError);
    expect(error).toMatchObject({ operation: 'put', objectName: 'slow.bin', deadlineMs: 400 });
    expect(Date.now() - started).toBeLessThan(2_000);
    emulator.faults.setResponseDelay(0);
  });

  it('fails with StorageDeadlineExceededError, carrying the last error, when 503s outlast the deadline', async () => {
    const store = storeOnFreshPrefix({ retry: { deadlineMs: 500 } });
    emulator.faults.failNextRequests({ status: 503, count: 100_000, kind: 'objects.get' });
    const error = await store.stat('anything').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageDeadlineExceededError);
    const deadlineError = error as StorageDeadlineExceededError;
    expect(deadlineError.attempts).toBeGreaterThan(1);
    expect(String((deadlineError.cause as Error).message)).toMatch(/503/);
  });

  it('fails with a StorageError, and destroys the stream, when it cannot spool a stream', async () => {
    const store = storeOnFreshPrefix({ spoolDirectory: join(scratch, 'missing') });
    const content = Readable.from([Buffer.from('x')]);
    const error = await store.putStream(content, 'unspooled').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageRequestError);
    expect(content.destroyed).toBe(true);
  });

  it('does not retry a failure that retrying cannot fix', async () => {
    const store = new GcsStore('gs://no-such-bucket/x', { storageOptions: emulator.storageOptions(), retry: { deadlineMs: 10_000 } });
    const started = Date.now();
    const error = await store.putStream(Readable.from([Buffer.from('x')]), 'obj').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageRequestError);
    expect(error).toMatchObject({ status: 404 });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  describe('names that spell network errors', () => {
    // A deadline a wrongly retried operation would run into; the right answer comes at once.
    const patient = { retry: { deadlineMs: 5_000 } };

    async function timed<T>(operation: () => Promise<T>): Promise<{ result: T | unknown; ms: number }> {
      const started = Date.now();
      const result = await operation().catch((e: unknown) => e);
      return { result, ms: Date.now() - started };
    }

    it.each(['logs/ECONNRESET.txt', 'ETIMEDOUT', 'a/socket hang up/premature close'])('get(%j) of a missing object answers not found at once', async (name) => {
      const store = storeOnFreshPrefix(patient);
      const { result, ms } = await timed(() => store.get(name));
      expect(result).toBeInstanceOf(ObjectNotFoundError);
      expect(ms).toBeLessThan(2_000);
    });

    it('an ifAbsent put of a taken name spelling a network error fails with ObjectAlreadyExistsError at once', async () => {
      const store = storeOnFreshPrefix(patient);
      await store.putStream(Readable.from([Buffer.from('first')]), 'ECONNRESET');
      const { result, ms } = await timed(() => store.putStream(Readable.from([Buffer.from('second')]), 'ECONNRESET', { ifAbsent: true }));
      expect(result).toBeInstanceOf(ObjectAlreadyExistsError);
      expect(ms).toBeLessThan(2_000);
    });

    it('a corrupted upload of such a name fails with IntegrityError at once', async () => {
      const store = storeOnFreshPrefix(patient);
      const { path } = await localFile(1_000);
      emulator.faults.corruptNextUploadHashes(1);
      const { result, ms } = await timed(() => store.putFile(path, 'uploads/EPIPE ETIMEDOUT.bin'));
      expect(result).toBeInstanceOf(IntegrityError);
      expect(ms).toBeLessThan(2_000);
    });
  });

  describe('at the deadline', () => {
    /** Runs one operation in a child process; resolves with its outcome and how long the process lived after reporting it. */
    async function runPastDeadline(operation: string, localPath: string): Promise<Outcome & { exitAfterMs: number }> {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', join(__dirname, 'test-support/operation-past-deadline.ts'), emulator.url, BUCKET, operation, '300', localPath],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let output = '';
      let reportedAt = 0;
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        reportedAt = Date.now();
      });
      const [code] = (await once(child, 'exit')) as [number | null];
      expect({ code, output }).toEqual({ code: 0, output: expect.stringMatching(/^\{.*\}\n$/) });
      return { ...(JSON.parse(output) as Outcome), exitAfterMs: Date.now() - reportedAt };
    }

    it.each(['put', 'put-resumable', 'get', 'stat', 'list', 'delete'])(
      '%s leaves no request running: the process exits as soon as the operation has failed',
      async (operation) => {
        const { path } = await localFile(64 * 1024);
        emulator.faults.setResponseDelay(15_000);
        const outcome = await runPastDeadline(operation, path);
        emulator.faults.setResponseDelay(0);
        expect(outcome.error).toBe('StorageDeadlineExceededError');
        expect(outcome.elapsedMs).toBeLessThan(3_000);
        // A request still waiting for the (15 s late) answer would hold the process open.
        expect(outcome.exitAfterMs).toBeLessThan(3_000);
      },
      60_000,
    );

    it('counts reading the local file for its CRC-32C against the deadline', async () => {
      // A FIFO with no writer: reading it blocks until one comes, as a stalled disk or mount would.
      const fifo = join(scratch, 'stalled');
      execFileSync('mkfifo', [fifo]);
      const store = storeOnFreshPrefix({ retry: { deadlineMs: 300 } });
      const started = Date.now();
      const error = await store.putFile(fifo, 'never.bin').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StorageDeadlineExceededError);
      expect(Date.now() - started).toBeLessThan(2_000);
      // Let the reader's blocked open(2) return, so no thread stays stuck.
      await (await open(fifo, 'w')).close();
    });

    it('counts spooling a stream against the deadline', async () => {
      const store = storeOnFreshPrefix({ retry: { deadlineMs: 300 } });
      const stalled = new Readable({ read() {} });
      stalled.push(Buffer.from('a first chunk, then nothing more'));
      const started = Date.now();
      const error = await store.putStream(stalled, 'stalled.bin').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StorageDeadlineExceededError);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(stalled.destroyed).toBe(true);
    });
  });

  it('fails a download whose bytes do not match the stored CRC-32C with IntegrityError', async () => {
    const store = storeOnFreshPrefix();
    const content = randomBytes(10_000);
    // Stored by another client, with a CRC-32C that is not that of its bytes.
    emulator.faults.corruptNextUploadHashes(1);
    await new Storage(emulator.storageOptions()).bucket(BUCKET).file(`${store.prefix}corrupt-at-rest.bin`).save(content, { resumable: false, validation: false });
    const stored = await store.stat('corrupt-at-rest.bin');
    const crc = new CRC32C();
    crc.update(content);
    expect(stored?.crc32c).not.toBe(crc.toString());

    const error = await store.get('corrupt-at-rest.bin').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntegrityError);
    expect(error).toMatchObject({ operation: 'get', objectName: 'corrupt-at-rest.bin', expectedCrc32c: stored?.crc32c, actualCrc32c: crc.toString() });
  });
});
