import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_UPLOAD_SESSION_TTL_MS, UploadSessions } from './upload-sessions';

describe('UploadSessions expiry', () => {
  let dir: string;
  let clock: number;
  let sessions: UploadSessions;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'upload-sessions-spec-'));
    clock = 1_000_000;
    sessions = new UploadSessions({ ttlMs: 1000, now: () => clock });
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const open = (name: string) =>
    sessions.open({
      bucket: 'bkt',
      name,
      attributes: { contentType: 'text/plain' },
      preconditions: {},
      stagingPath: join(dir, `${name}.part`),
      suppliedHashes: [],
    });

  it('keeps a session GCS-long by default: one week', () => {
    expect(DEFAULT_UPLOAD_SESSION_TTL_MS).toBe(7 * 24 * 60 * 60 * 1000);
  });

  it('drops a session idle for longer than the TTL, with its staged bytes, and answers 404 for it', async () => {
    const idle = await open('idle');
    const busy = await open('busy');
    clock += 600;
    await sessions.runExclusive(busy.id, async () => undefined);
    clock += 600;

    expect(await sessions.sweep()).toBe(1);
    expect(await readdir(dir)).toEqual(['busy.part']);
    await expect(sessions.runExclusive(idle.id, async () => undefined)).rejects.toMatchObject({ status: 404 });
    await sessions.runExclusive(busy.id, async () => undefined);
  });

  it('answers 404 for an expired session even before the sweeper ran, and removes it then', async () => {
    const session = await open('late');
    clock += 1001;
    await expect(sessions.runExclusive(session.id, async () => undefined)).rejects.toMatchObject({ status: 404 });
    expect(await sessions.sweep()).toBe(0);
  });

  it('never drops a session while a request on it runs', async () => {
    const session = await open('slow');
    let release!: () => void;
    const running = sessions.runExclusive(session.id, () => new Promise<void>((resolve) => (release = resolve)));
    clock += 5000;
    expect(await sessions.sweep()).toBe(0);
    release();
    await running;
    expect(await readdir(dir)).toEqual(['slow.part']);
  });
});
