import { parseDownloadRange, parseUploadContentRange } from './http-ranges';

describe('parseUploadContentRange', () => {
  it.each([
    ['bytes */*', { kind: 'status', total: undefined }],
    ['bytes */42', { kind: 'status', total: 42 }],
    ['bytes 0-*/*', { kind: 'data', start: 0, end: undefined, total: undefined }],
    ['bytes 0-262143/*', { kind: 'data', start: 0, end: 262143, total: undefined }],
    ['bytes 262144-300000/300001', { kind: 'data', start: 262144, end: 300000, total: 300001 }],
    ['bytes 0--1/0', { kind: 'data', start: 0, end: -1, total: 0 }],
  ])('reads %s', (header, expected) => {
    expect(parseUploadContentRange(header)).toEqual(expected);
  });

  it('rejects garbage with 400', () => {
    expect(() => parseUploadContentRange('bytes=0-1')).toThrow(expect.objectContaining({ status: 400 }));
  });
});

describe('parseDownloadRange', () => {
  it.each([
    ['bytes=0-9', { start: 0, end: 9 }],
    ['bytes=90-', { start: 90, end: 99 }],
    ['bytes=-10', { start: 90, end: 99 }],
    ['bytes=95-200', { start: 95, end: 99 }],
  ])('reads %s of a 100-byte object', (header, expected) => {
    expect(parseDownloadRange(header, 100)).toEqual(expected);
  });

  it('ignores absent and multi-range headers (the whole object is sent)', () => {
    expect(parseDownloadRange(undefined, 100)).toBeUndefined();
    expect(parseDownloadRange('bytes=0-1,5-6', 100)).toBeUndefined();
  });

  it('answers 416 with the size for a range past the end', () => {
    expect(() => parseDownloadRange('bytes=100-', 100)).toThrow(
      expect.objectContaining({ status: 416, headers: { 'Content-Range': 'bytes */100' } }),
    );
  });
});
