import { randomBytes } from 'node:crypto';
import { seededRandom } from '@eventpath/dev-infra';
import { CompressionTypes, type Message } from 'kafkajs';
import { registerCompressionCodecs } from './compression-codecs';
import { recordBatchSizeBound, recordSizeBound } from './record-size-bound';

// kafkajs's own encoders: what it will put on the wire.
/* eslint-disable @typescript-eslint/no-require-imports */
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as {
  RecordBatch(options: { compression?: number; records: unknown[]; lastOffsetDelta?: number }): Promise<{ buffer: Buffer }>;
};
const Record = require('kafkajs/src/protocol/recordBatch/record/v0') as (record: object) => unknown;
/* eslint-enable @typescript-eslint/no-require-imports */

async function encodedBatchBytes(messages: Message[], compression: CompressionTypes): Promise<number> {
  const records = messages.map((message, offsetDelta) =>
    Record({
      offsetDelta,
      // A timestamp far from the batch's first one makes the delta's varlong long.
      timestampDelta: offsetDelta % 7 === 0 ? 2 ** 52 : 0,
      key: message.key,
      value: message.value,
      headers: message.headers,
    }),
  );
  const batch = await RecordBatch({ compression, records, lastOffsetDelta: messages.length - 1 });
  // The batch as kafkajs encodes it, minus the 4-byte length prefix its bytes writer adds.
  return batch.buffer.length - 4;
}

describe('record size bounds', () => {
  beforeAll(() => registerCompressionCodecs());
  const random = seededRandom(42);
  const text = (max: number) => 'é'.repeat(Math.floor(random() * max));

  function randomMessages(count: number, incompressible: boolean): Message[] {
    return Array.from({ length: count }, () => ({
      key: random() < 0.3 ? null : text(40),
      value: incompressible ? randomBytes(Math.floor(random() * 3000)) : text(3000),
      headers: Object.fromEntries(Array.from({ length: Math.floor(random() * 30) }, (_, h) => [`h${h}-${text(5)}`, text(20)])),
    }));
  }

  it.each([
    ['none', CompressionTypes.None],
    ['gzip', CompressionTypes.GZIP],
    ['snappy', CompressionTypes.Snappy],
    ['lz4', CompressionTypes.LZ4],
    ['zstd', CompressionTypes.ZSTD],
  ] as const)('never underestimate a batch kafkajs encodes with %s, compressible or not', async (_name, compression) => {
    for (const incompressible of [false, true]) {
      for (let round = 0; round < 20; round++) {
        const messages = randomMessages(1 + Math.floor(random() * 200), incompressible);
        const bound = recordBatchSizeBound(
          messages.reduce((sum, m) => sum + recordSizeBound(m), 0),
          compression,
        );
        expect(await encodedBatchBytes(messages, compression)).toBeLessThanOrEqual(bound);
      }
    }
  });

  it('counts the framing of many small headers, which a fixed allowance per message misses', async () => {
    const messages = Array.from({ length: 1000 }, (_, i) => ({
      value: `v${i}`,
      headers: Object.fromEntries(Array.from({ length: 20 }, (_, h) => [`${h % 10}`, 'x'])),
    }));
    const actual = await encodedBatchBytes(messages, CompressionTypes.None);
    const bound = recordBatchSizeBound(
      messages.reduce((sum, m) => sum + recordSizeBound(m), 0),
      CompressionTypes.None,
    );
    expect(actual).toBeLessThanOrEqual(bound);
    // And stays close: only the two deltas are counted at their maximum.
    expect(bound).toBeLessThan(actual * 1.25);
  });
});
