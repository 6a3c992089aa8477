import { startEmulatorWithClient, httpStatusOf, type EmulatorWithClient } from './test-support';

const WRITERS = 8;

describe('concurrent create-only writers of one name', () => {
  let env: EmulatorWithClient;

  beforeAll(async () => {
    env = await startEmulatorWithClient();
  });

  afterAll(async () => {
    await env.emulator.stop();
  });

  it.each([
    ['resumable', true],
    ['multipart', false],
  ])('lets exactly one %s upload with ifGenerationMatch: 0 win; the others get 412', async (kind, resumable) => {
    const name = `race-${kind}`;
    const results = await Promise.allSettled(
      Array.from({ length: WRITERS }, (_, writer) =>
        env.bucket.file(name).save(`writer ${writer}`, { resumable, preconditionOpts: { ifGenerationMatch: 0 } }),
      ),
    );

    const winners = results.flatMap((result, writer) => (result.status === 'fulfilled' ? [writer] : []));
    const losers = results.flatMap((result) => (result.status === 'rejected' ? [httpStatusOf(result.reason)] : []));
    expect(winners).toHaveLength(1);
    expect(losers).toEqual(Array(WRITERS - 1).fill(412));
    expect((await env.bucket.file(name).download())[0].toString()).toBe(`writer ${winners[0]}`);
  });
});
