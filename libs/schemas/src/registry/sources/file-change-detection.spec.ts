// The default import is the module object itself, so a spy on it sees the sources' calls.
import fsPromises from 'node:fs/promises';
import { join } from 'node:path';
import { readProtoFiles, UPDATES_DIR } from '../../test-support/fixtures';
import { rideDescriptorSets } from '../../test-support/ride-schema-versions';
import { replaceFile, tempDir } from '../../test-support/temp-files';
import { DescriptorSetFileSource } from './descriptor-set-file-source';
import { ProtoDirectorySource } from './proto-directory-source';

describe('change detection of file sources', () => {
  let dir: string;
  let reads: jest.SpyInstance;

  beforeEach(async () => {
    dir = await tempDir('schemas-sources-');
    reads = jest.spyOn(fsPromises, 'readFile');
  });

  afterEach(async () => {
    reads.mockRestore();
    await fsPromises.rm(dir, { recursive: true, force: true });
  });

  it('does not read an unchanged descriptor set file again, and reads it when replaced or forced', async () => {
    const path = join(dir, 'rides.desc');
    await replaceFile(path, rideDescriptorSets.v1());
    const source = new DescriptorSetFileSource('rides', path);
    const first = await source.fetch(false);
    expect(first.notModified).toBe(false);
    reads.mockClear();

    expect(await source.fetch(false)).toEqual({ notModified: true });
    expect(reads).not.toHaveBeenCalled();

    await replaceFile(path, rideDescriptorSets.v1());
    const sameContent = await source.fetch(false);
    expect(reads).toHaveBeenCalledTimes(1);
    // A new file with the same bytes has the same content hash, so the registry sees no change.
    expect(sameContent).toMatchObject({ notModified: false, contentHash: (first as { contentHash: string }).contentHash });

    await replaceFile(path, rideDescriptorSets.v2());
    const changed = await source.fetch(false);
    expect(changed).toMatchObject({ notModified: false });
    expect((changed as { contentHash: string }).contentHash).not.toBe((first as { contentHash: string }).contentHash);

    reads.mockClear();
    expect((await source.fetch(true)).notModified).toBe(false);
    expect(reads).toHaveBeenCalledTimes(1);
  });

  it('does not read an unchanged .proto directory again, and notices changed, added and removed files', async () => {
    const write = (relative: string, text: string) =>
      fsPromises.mkdir(join(dir, relative, '..'), { recursive: true }).then(() => replaceFile(join(dir, relative), text));
    const ride = readProtoFiles(join(UPDATES_DIR, 'v1')).get('eventpath/updates/ride.proto') as string;
    await write('eventpath/updates/ride.proto', ride);
    const source = new ProtoDirectorySource('protos', dir);
    const first = await source.fetch(false);
    expect(first).toMatchObject({ notModified: false, content: { kind: 'protoFiles' } });
    expect([...(first as { content: { files: ReadonlyMap<string, string> } }).content.files.keys()]).toEqual(['eventpath/updates/ride.proto']);
    reads.mockClear();

    expect(await source.fetch(false)).toEqual({ notModified: true });
    expect(reads).not.toHaveBeenCalled();

    await write('eventpath/updates/extra.proto', 'syntax = "proto3"; package eventpath.updates; message Extra {}');
    expect((await source.fetch(false)).notModified).toBe(false);
    await fsPromises.rm(join(dir, 'eventpath/updates/extra.proto'));
    expect((await source.fetch(false)).notModified).toBe(false);
    await write('eventpath/updates/ride.proto', `${ride}\n// edited`);
    expect((await source.fetch(false)).notModified).toBe(false);
    expect(await source.fetch(false)).toEqual({ notModified: true });
  });
});
