import { badRequest, rangeNotSatisfiable } from './errors';

// The `Content-Range` of a resumable upload `PUT` (line comments: these contain `*/`):
// - `bytes */*` or `bytes */N`: a status query without data; `N` also announces the final size;
// - `bytes S-E/*`: a chunk, more to come;
// - `bytes S-E/N`: a chunk of an upload of N bytes in total;
// - `bytes S-*/*` or `bytes S-*/N`: the rest of the upload, as long as the body lasts.
export type UploadContentRange =
  | { kind: 'status'; total?: number }
  | { kind: 'data'; start: number; end?: number; total?: number };

export function parseUploadContentRange(header: string | undefined): UploadContentRange {
  // Without the header the body is taken to be the whole object.
  if (header === undefined) return { kind: 'data', start: 0 };
  const match = /^bytes (?:\*|(\d+)-(-1|\d+|\*))\/(\d+|\*)$/.exec(header.trim());
  if (!match) throw badRequest(`Invalid Content-Range: ${header}`);
  const [, start, end, total] = match;
  const totalBytes = total === '*' ? undefined : Number(total);
  if (start === undefined) return { kind: 'status', total: totalBytes };
  // An empty final chunk of a multi-chunk upload is announced as `bytes S-(S-1)/S`.
  const range = {
    kind: 'data' as const,
    start: Number(start),
    end: end === '*' ? undefined : Number(end),
    total: totalBytes,
  };
  if (range.end !== undefined && range.end < range.start - 1) throw badRequest(`Invalid Content-Range: ${header}`);
  return range;
}

/** An inclusive byte range of a download. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Reads a download's `Range: bytes=S-E | S- | -N`. Returns undefined when the whole object
 * should be sent (no header, or a multi-range request, which HTTP lets a server ignore).
 * Throws 416 when the range starts past the end.
 */
export function parseDownloadRange(header: string | undefined, size: number): ByteRange | undefined {
  // An empty object has no byte a range could select: send it whole rather than refuse.
  if (header === undefined || size === 0) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  const [, first, last] = match;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) throw rangeNotSatisfiable(header, size);
    return { start: Math.max(size - suffix, 0), end: size - 1 };
  }
  const start = Number(first);
  if (start >= size) throw rangeNotSatisfiable(header, size);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (end < start) return undefined;
  return { start, end };
}
