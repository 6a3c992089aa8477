import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UnsupportedStoreUrlError } from './errors';
import { GcsStore } from './gcs/gcs-store';
import { LocalDirectoryStore } from './local/local-directory-store';
import { openObjectStore } from './open-object-store';
import { parseStoreUrl } from './store-url';

describe('openObjectStore', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'open-store-'));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('opens a LocalDirectoryStore for file:// URLs, creating the directory', async () => {
    const dir = join(root, 'my archive', 'ü');
    const store = await openObjectStore(pathToFileURL(dir).href);
    expect(store).toBeInstanceOf(LocalDirectoryStore);
    expect((store as LocalDirectoryStore).root).toBe(dir);
    expect((await stat(dir)).isDirectory()).toBe(true);
    expect(store.url).toBe(pathToFileURL(dir).href);
  });

  it('opens a GcsStore for gs:// URLs', async () => {
    const store = await openObjectStore('gs://my-bucket/archive/events', { gcs: { storageOptions: { projectId: 'p' } } });
    expect(store).toBeInstanceOf(GcsStore);
    expect(store.url).toBe('gs://my-bucket/archive/events/');
  });

  it.each([
    ['s3://bucket/prefix', /unsupported scheme "s3:".*file:, gs:/],
    ['http://example.com/x', /unsupported scheme "http:"/],
    ['/just/a/path', /not a URL/],
    ['file://remote-host/share', /must be local/],
    ['gs://Invalid_Bucket!/x', /not a valid GCS bucket name/],
    ['gs://bucket/a//b', /empty, "." or ".." segment/],
  ])('refuses %s with a clear error', async (url, message) => {
    const error = await openObjectStore(url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedStoreUrlError);
    expect((error as Error).message).toMatch(message);
  });
});

describe('parseStoreUrl', () => {
  it.each([
    ['gs://bucket', { scheme: 'gs', bucket: 'bucket', prefix: '' }],
    ['gs://bucket/', { scheme: 'gs', bucket: 'bucket', prefix: '' }],
    ['gs://bucket/a', { scheme: 'gs', bucket: 'bucket', prefix: 'a/' }],
    ['gs://bucket/a/b/', { scheme: 'gs', bucket: 'bucket', prefix: 'a/b/' }],
    ['gs://my_bucket.example.com/with%20space', { scheme: 'gs', bucket: 'my_bucket.example.com', prefix: 'with space/' }],
    ['file:///var/archive', { scheme: 'file', root: '/var/archive' }],
    ['file:///var/my%20archive/', { scheme: 'file', root: '/var/my archive/' }],
    ['file://localhost/var/archive', { scheme: 'file', root: '/var/archive' }],
  ])('parses %s', (url, expected) => {
    expect(parseStoreUrl(url)).toEqual(expected);
  });
});

describe('GcsStore configuration', () => {
  afterEach(() => {
    delete process.env.STORAGE_EMULATOR_HOST;
  });

  it('refuses apiEndpoint together with STORAGE_EMULATOR_HOST, which would split requests between two hosts', () => {
    process.env.STORAGE_EMULATOR_HOST = 'http://127.0.0.1:1';
    expect(() => new GcsStore('gs://bucket', { storageOptions: { apiEndpoint: 'http://127.0.0.1:2', projectId: 'p' } })).toThrow(/unset STORAGE_EMULATOR_HOST/);
  });
});
