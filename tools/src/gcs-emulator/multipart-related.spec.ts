import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { multipartBoundary, MultipartRelatedParser, type MultipartHead } from './multipart-related';

const BOUNDARY = 'b0undary';

function body(metadata: string, media: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(`--${BOUNDARY}\r\nContent-Type: application/json\r\n\r\n${metadata}\r\n`),
    Buffer.from(`--${BOUNDARY}\r\nContent-Type: image/png\r\n\r\n`),
    media,
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
}

/** Feeds the body in pieces of `size` bytes, so delimiters straddle chunk borders. */
async function parse(raw: Buffer, size: number): Promise<MultipartHead & { media: Buffer }> {
  const pieces: Buffer[] = [];
  for (let at = 0; at < raw.length; at += size) pieces.push(raw.subarray(at, at + size));
  const parser = new MultipartRelatedParser(BOUNDARY);
  const [head, media] = await Promise.all([parser.head, buffer(Readable.from(pieces).pipe(parser))]);
  return { ...head, media };
}

describe('MultipartRelatedParser', () => {
  // Media that contains boundary look-alikes and CRLFs must come out unchanged.
  const media = Buffer.concat([
    Buffer.from(`\r\n--${BOUNDARY.slice(0, 5)}\r\n--`),
    Buffer.alloc(5000, 7),
    Buffer.from('\r\n-'),
  ]);

  it.each([1, 3, 17, 4096, 1 << 20])('splits metadata and media fed in %i-byte pieces', async (size) => {
    const parsed = await parse(body('{"name":"x","metadata":{"k":"v"}}', media), size);
    expect(parsed).toEqual({ metadata: { name: 'x', metadata: { k: 'v' } }, mediaContentType: 'image/png', media });
  });

  it('handles empty media', async () => {
    expect((await parse(body('{}', Buffer.alloc(0)), 7)).media).toHaveLength(0);
  });

  it('fails a truncated body with 400', async () => {
    const raw = body('{}', media);
    await expect(parse(raw.subarray(0, raw.length - 10), 64)).rejects.toMatchObject({ status: 400 });
  });

  it('fails metadata that is not JSON with 400', async () => {
    await expect(parse(body('{nope', media), 64)).rejects.toMatchObject({ status: 400 });
  });

  it('reads quoted and bare boundaries from Content-Type', () => {
    expect(multipartBoundary('multipart/related; boundary=abc')).toBe('abc');
    expect(multipartBoundary('multipart/related; boundary="a b"')).toBe('a b');
    expect(() => multipartBoundary('application/json')).toThrow(expect.objectContaining({ status: 400 }));
  });
});
