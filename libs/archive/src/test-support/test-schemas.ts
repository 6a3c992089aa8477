import { join } from 'node:path';
import { loadSchemas, type MessageSchema } from '@eventpath/schemas';

export const TEST_PROTO_DIRECTORY = join(__dirname, 'fixtures', 'proto');
export const PAGE_VIEW = 'eventpath.archivetest.PageView';
export const PAGE_VIEW_V2 = 'eventpath.archivetest.PageViewV2';

/** The lib's test message types, from the fixture .proto files. */
export async function testMessageTypes(): Promise<{ pageView: MessageSchema; pageViewV2: MessageSchema }> {
  const snapshot = await loadSchemas([{ kind: 'protoDirectory', name: 'archive-test', directory: TEST_PROTO_DIRECTORY }]);
  return { pageView: snapshot.messageType(PAGE_VIEW), pageViewV2: snapshot.messageType(PAGE_VIEW_V2) };
}

/** A PageView at `ms`, as a decoded message. */
export function pageView(id: string, ms: number): Record<string, unknown> {
  return {
    event_id: id,
    event_time: { seconds: BigInt(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 },
    url: `https://example.com/${id}`,
    user: { id: `u-${id}`, country: 'ID' },
    tags: ['a', 'b'],
    attributes: new Map([['k', id]]),
    duration_seconds: 1.5,
  };
}
