import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { InvalidObjectNameError, ObjectAlreadyExistsError } from '../errors';
import { describeObjectStoreContract } from '../test-support/object-store-contract';
import { LocalDirectoryStore } from './local-directory-store';
import { READY_LINE } from './test-support/put-then-hang-before-commit';

describeObjectStoreContract('LocalDirectoryStore', async () => {
  const root = await mkdtemp(join(tmpdir(), 'local-store-'));
  return { store: await LocalDirectoryStore.open(join(root, 'archive')), cleanup: () => rm(root, { recursive: true, force: true }) };
});

/** Every file under `dir`, relative, recursively. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();
}

describe('LocalDirectoryStore', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'local-store-'));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('keeps each object as a plain file under the root, names mapping to subdirectories', async () => {
    const store = await LocalDirectoryStore.open(join(root, 'created/on/open'));
    await store.putStream(Readable.from([Buffer.from('parquet bytes')]), 'topic=orders/partition=3/part 1.parquet');
    expect(await readFile(join(root, 'created/on/open/topic=orders/partition=3/part 1.parquet'), 'utf8')).toBe('parquet bytes');
    expect(store.url).toBe(`file://${root}/created/on/open`);
  });

  it('never leaves a partial object under its final name when the process is killed before the rename', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'test-support/put-then-hang-before-commit.ts'), root, 'dir/object.bin'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes(READY_LINE)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`child exited (${code}) before reaching the commit: ${output}`)));
    });
    const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const store = await LocalDirectoryStore.open(root);
    expect(await store.stat('dir/object.bin')).toBeUndefined();
    expect(await store.list('')).toEqual({ items: [] });
    // The data was written, only to a temporary name, which list() hides and sweeping removes.
    const leftovers = await filesUnder(root);
    expect(leftovers).toEqual([expect.stringMatching(/^dir\/\.eventpath-tmp-[0-9a-f]{16}$/)]);
    expect((await stat(join(root, leftovers[0]))).size).toBe(16 * 256 * 1024);
    expect(await store.sweepTemporaryFiles({ olderThanMs: 60_000 })).toBe(0);
    expect(await store.sweepTemporaryFiles({ olderThanMs: 0 })).toBe(1);
    expect(await filesUnder(root)).toEqual([]);
  }, 30_000);

  it('fails the put, keeps the previous object and cleans up when the rename fails', async () => {
    const store = await LocalDirectoryStore.open(root);
    await store.putStream(Readable.from([Buffer.from('previous')]), 'name');
    const failing = new LocalDirectoryStore(root, {
      testHooks: {
        beforeCommit: () => {
          throw Object.assign(new Error('EIO: rename failed'), { code: 'EIO' });
        },
      },
    });
    await expect(failing.putStream(Readable.from([Buffer.from('replacement')]), 'name')).rejects.toThrow('rename failed');
    expect((await store.get('name')).toString()).toBe('previous');
    expect(await filesUnder(root)).toEqual(['.eventpath-meta/name', 'name']);
  });

  it('hides temporary files from list() while a put is in progress', async () => {
    let release!: () => void;
    let reached!: () => void;
    const atCommit = new Promise<void>((resolve) => (reached = resolve));
    const store = new LocalDirectoryStore(root, {
      testHooks: {
        beforeCommit: () => {
          reached();
          return new Promise<void>((resolve) => (release = resolve));
        },
      },
    });
    const put = store.putStream(Readable.from([Buffer.from('in flight')]), 'dir/in-flight');
    await atCommit;
    expect((await filesUnder(root)).some((f) => f.startsWith('dir/.eventpath-tmp-'))).toBe(true);
    expect(await store.list('')).toEqual({ items: [] });
    expect(await store.list('dir/')).toEqual({ items: [] });
    release();
    await put;
    expect((await store.list('')).items.map((i) => i.name)).toEqual(['dir/in-flight']);
  });

  it('races ifAbsent writers in separate store instances safely (link, not check-then-rename)', async () => {
    const stores = Array.from({ length: 8 }, () => new LocalDirectoryStore(root));
    const results = await Promise.allSettled(stores.map((s, i) => s.putStream(Readable.from([Buffer.from(`writer ${i}`)]), 'x', { ifAbsent: true })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof ObjectAlreadyExistsError)).toHaveLength(7);
    expect(await filesUnder(root)).toEqual(['.eventpath-meta/x', 'x']);
  });

  it('refuses reserved names and names that clash with a directory', async () => {
    const store = await LocalDirectoryStore.open(root);
    await expect(store.putStream(Readable.from([Buffer.from('x')]), 'a/.eventpath-tmp-0000000000000000')).rejects.toBeInstanceOf(InvalidObjectNameError);
    await expect(store.putStream(Readable.from([Buffer.from('x')]), '.eventpath-meta/a')).rejects.toBeInstanceOf(InvalidObjectNameError);
    await expect(store.putStream(Readable.from([Buffer.from('x')]), `${'ü'.repeat(128)}`)).rejects.toBeInstanceOf(InvalidObjectNameError);

    await store.putStream(Readable.from([Buffer.from('x')]), 'a/b');
    await expect(store.putStream(Readable.from([Buffer.from('x')]), 'a')).rejects.toBeInstanceOf(InvalidObjectNameError);
    await expect(store.putStream(Readable.from([Buffer.from('x')]), 'a/b/c')).rejects.toBeInstanceOf(InvalidObjectNameError);
    expect((await store.list('')).items.map((i) => i.name)).toEqual(['a/b']);
    expect(await filesUnder(root)).toEqual(['.eventpath-meta/a/b', 'a/b']);
  });

  it('drops checksums and metadata of an object replaced behind its back, rather than report stale ones', async () => {
    const store = await LocalDirectoryStore.open(root);
    await store.putStream(Readable.from([Buffer.from('original')]), 'obj', { metadata: { k: 'v' } });
    expect(await store.stat('obj')).toMatchObject({ metadata: { k: 'v' }, crc32c: expect.any(String) });
    await writeFile(join(root, 'obj'), 'edited by hand');
    await utimes(join(root, 'obj'), new Date(), new Date(Date.now() + 5000));
    const info = await store.stat('obj');
    expect(info).toMatchObject({ name: 'obj', size: 'edited by hand'.length });
    expect(info?.crc32c).toBeUndefined();
    expect(info?.metadata).toBeUndefined();
  });

  it('is opened only on an absolute directory', async () => {
    expect(() => new LocalDirectoryStore('relative/dir')).toThrow('absolute');
    await writeFile(join(root, 'a-file'), '');
    await expect(LocalDirectoryStore.open(join(root, 'a-file'))).rejects.toThrow();
    await expect(LocalDirectoryStore.open(join(root, 'missing'), { create: false })).rejects.toThrow();
  });

  describe('durability, observed at the system calls with strace', () => {
    /** strace's -y output of the traced calls on paths under `base`, in order: `fsync <path>`, `rename <from> <to>`. */
    function tracedCalls(traceFile: string, base: string): string[] {
      const calls: string[] = [];
      for (const line of readFileSync(traceFile, 'utf8').split('\n')) {
        const call = /^\d+\s+(\w+)\((.*)\)\s+= 0$/.exec(line);
        if (!call) continue;
        const paths = [...call[2].matchAll(/<([^>]*)>|"([^"]*)"/g)].map((m) => m[1] ?? m[2]).filter((p) => p.startsWith(base));
        if (paths.length > 0) calls.push(`${call[1].replace(/^(rename|link)(at2?)?$/, '$1')} ${paths.join(' ')}`);
      }
      return calls;
    }

    /** Runs one put in a child process under strace; returns its traced calls on paths under `base`. */
    function tracePut(base: string, storeRoot: string, name: string): string[] {
      const traceFile = join(root, 'trace.txt');
      // -f: libuv runs fsync on its thread pool; -y: file descriptors shown with their paths.
      execFileSync(
        'strace',
        ['-f', '-qq', '-y', '-o', traceFile, '-e', 'trace=fsync,fdatasync,rename,renameat,renameat2', process.execPath, '--import', 'tsx',
          join(__dirname, 'test-support/put-one-object.ts'), storeRoot, name],
        { stdio: ['ignore', 'inherit', 'inherit'], timeout: 30_000 },
      );
      return tracedCalls(traceFile, base).map((c) => c.replace(/\.eventpath-tmp-[0-9a-f]{16}/g, '.eventpath-tmp-*'));
    }

    it('fsyncs the data before the rename, then its directory, and each new directory in its parent', () => {
      const base = join(root, 'base');
      const leaf = join(base, 'archive/topic=orders/dt=2024-01-01');
      expect(tracePut(base, join(base, 'archive'), 'topic=orders/dt=2024-01-01/part-0.parquet')).toEqual([
        `fsync ${base}`, // the root the store created on open, in its parent
        `fsync ${base}/archive`, // topic=orders
        `fsync ${base}/archive/topic=orders`, // dt=2024-01-01
        `fsync ${leaf}/.eventpath-tmp-*`, // the data
        `rename ${leaf}/.eventpath-tmp-* ${leaf}/part-0.parquet`,
        `fsync ${leaf}`, // the object's name
        // The attributes sidecar, deliberately not fsynced: one lost in a crash is detected and ignored.
        `rename ${base}/archive/.eventpath-meta/topic=orders/dt=2024-01-01/.eventpath-tmp-* ${base}/archive/.eventpath-meta/topic=orders/dt=2024-01-01/part-0.parquet`,
      ]);
    }, 60_000);

    it('also fsyncs directories another writer created and may not have synced', async () => {
      const base = join(root, 'base');
      await mkdir(join(base, 'archive/topic=clicks/dt=2024-01-02'), { recursive: true });
      const leaf = join(base, 'archive/topic=clicks/dt=2024-01-02');
      expect(tracePut(base, join(base, 'archive'), 'topic=clicks/dt=2024-01-02/part-0.parquet').filter((c) => c.startsWith('fsync'))).toEqual([
        `fsync ${base}/archive`,
        `fsync ${base}/archive/topic=clicks`,
        `fsync ${leaf}/.eventpath-tmp-*`,
        `fsync ${leaf}`,
      ]);
    }, 60_000);
  });
});
