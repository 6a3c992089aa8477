import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import * as snappy from 'snappy';
import { registerCompressionCodecs } from './compression-codecs';

describe('compression codecs registered with kafkajs', () => {
  beforeAll(() => registerCompressionCodecs());
  type Codec = { compress(e: { buffer: Buffer }): Promise<Buffer>; decompress(b: Buffer): Promise<Buffer> };
  const codec = (type: CompressionTypes) => (CompressionCodecs as unknown as Record<number, () => Codec>)[type]();
  const data = Buffer.from(Array.from({ length: 5000 }, (_, i) => `record ${i % 97};`).join(''));

  it.each([
    ['snappy', CompressionTypes.Snappy],
    ['lz4', CompressionTypes.LZ4],
    ['zstd', CompressionTypes.ZSTD],
  ] as const)('%s compresses and decompresses', async (_name, type) => {
    const compressed = await codec(type).compress({ buffer: data });
    expect(compressed.length).toBeLessThan(data.length / 4);
    expect((await codec(type).decompress(compressed)).equals(data)).toBe(true);
  });

  it("reads snappy in xerial's framing (Java producers) as well as raw", async () => {
    const header = Buffer.concat([Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]), Buffer.from([0, 0, 0, 1, 0, 0, 0, 1])]);
    const parts = [data.subarray(0, 3000), data.subarray(3000)];
    const chunks = await Promise.all(parts.map((part) => snappy.compress(part)));
    const framed = Buffer.concat([header, ...chunks.flatMap((chunk) => [lengthPrefix(chunk), chunk])]);
    expect((await codec(CompressionTypes.Snappy).decompress(framed)).equals(data)).toBe(true);
    await expect(codec(CompressionTypes.Snappy).decompress(framed.subarray(0, framed.length - 5))).rejects.toThrow(/truncated xerial chunk/);
  });
});

function lengthPrefix(chunk: Buffer): Buffer {
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(chunk.length);
  return prefix;
}
