import { startEmulatorWithClient, type EmulatorWithClient } from './test-support';

/** Names that break naive encoding: path separators, query syntax, form encoding, escapes, unicode. */
const AWKWARD_NAMES = [
  'dir/sub dir/file.txt',
  'key=value&other=1',
  'with space',
  'plus+sign',
  'a+b c',
  'percent%2Fencoded%41',
  'question?mark#hash',
  'ünïcødé/日本語/😀.txt',
  'trailing/',
];

describe('object names round-trip through the real client', () => {
  let env: EmulatorWithClient;

  beforeAll(async () => {
    env = await startEmulatorWithClient();
  });

  afterAll(async () => {
    await env.emulator.stop();
  });

  it.each(AWKWARD_NAMES)('saves, describes, lists and downloads %j', async (name) => {
    for (const resumable of [false, true]) {
      const content = `${name} (resumable: ${resumable})`;
      const file = env.bucket.file(name);
      await file.save(content, { resumable });

      expect((await file.getMetadata())[0].name).toBe(name);
      const [listed] = await env.bucket.getFiles({ prefix: name });
      expect(listed.map((f) => f.name)).toContain(name);
      expect((await file.download())[0].toString()).toBe(content);
    }
  });

  it('refuses "." and ".." as object names with 400', async () => {
    await expect(env.bucket.file('..').save('x', { resumable: false })).rejects.toMatchObject({ code: 400 });
  });
});
