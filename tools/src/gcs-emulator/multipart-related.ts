import { Transform, type TransformCallback } from 'node:stream';
import { badRequest } from './errors';

/** What precedes the media bytes of a `multipart/related` upload. */
export interface MultipartHead {
  /** The first part: the object resource as JSON. */
  metadata: unknown;
  /** The `Content-Type` of the second (media) part, if it has one. */
  mediaContentType?: string;
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
/** The metadata part is small JSON; anything larger is a malformed request. */
const MAX_METADATA_BYTES = 1024 * 1024;

type ParserState = 'preamble' | 'after-delimiter' | 'headers' | 'body' | 'epilogue';

/** Reads the boundary from `multipart/related; boundary=…` (quoted or not). */
export function multipartBoundary(contentType: string | undefined): string {
  const match = /^multipart\/related\s*;.*?boundary=(?:"([^"]+)"|([^\s;]+))/i.exec(contentType ?? '');
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) throw badRequest(`Expected multipart/related with a boundary, got: ${contentType}`);
  return boundary;
}

/**
 * Streaming parser of an upload's `multipart/related` body: a JSON metadata part, then the
 * media part. Media bytes flow out of the readable side as they arrive, so an upload of any
 * size is never held in memory; `head` resolves once the metadata and the media part's
 * headers are known. A body that is not exactly two parts makes the stream fail with a 400.
 */
export class MultipartRelatedParser extends Transform {
  readonly head: Promise<MultipartHead>;
  private resolveHead!: (head: MultipartHead) => void;
  private rejectHead!: (error: Error) => void;

  private readonly dashBoundary: Buffer;
  /** `CRLF--boundary`: what ends a part's content. */
  private readonly delimiter: Buffer;
  private pending: Buffer = Buffer.alloc(0);
  private state: ParserState = 'preamble';
  private partIndex = -1;
  private metadataChunks: Buffer[] = [];
  private metadataBytes = 0;

  constructor(boundary: string) {
    super();
    this.dashBoundary = Buffer.from(`--${boundary}`);
    this.delimiter = Buffer.concat([CRLF, this.dashBoundary]);
    this.head = new Promise<MultipartHead>((resolve, reject) => {
      this.resolveHead = resolve;
      this.rejectHead = reject;
    });
    // The head may never be awaited when the body fails first; the stream error reports it.
    this.head.catch(() => undefined);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    try {
      this.consume();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    if (this.state !== 'epilogue') return callback(badRequest('Truncated multipart/related body'));
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.rejectHead(error ?? badRequest('Multipart body ended before the media part'));
    callback(error);
  }

  /** Advances through `pending` as far as the bytes received so far allow. */
  private consume(): void {
    for (;;) {
      switch (this.state) {
        case 'preamble': {
          const at = this.pending.indexOf(this.dashBoundary);
          if (at < 0) return;
          this.pending = this.pending.subarray(at + this.dashBoundary.length);
          this.state = 'after-delimiter';
          break;
        }
        case 'after-delimiter': {
          if (this.pending.length < 2) return;
          if (this.pending[0] === 0x2d && this.pending[1] === 0x2d) {
            this.finishParts();
            return;
          }
          const lineEnd = this.pending.indexOf(CRLF);
          if (lineEnd < 0) return;
          // Transport padding (spaces after the boundary) is allowed before the CRLF.
          this.pending = this.pending.subarray(lineEnd + CRLF.length);
          this.state = 'headers';
          break;
        }
        case 'headers': {
          const headers = this.takeHeaders();
          if (headers === undefined) return;
          this.startPart(headers);
          this.state = 'body';
          break;
        }
        case 'body': {
          const at = this.pending.indexOf(this.delimiter);
          if (at < 0) {
            // Keep a tail that could be the start of a delimiter split across chunks.
            const safe = this.pending.length - (this.delimiter.length - 1);
            if (safe > 0) {
              this.emitContent(this.pending.subarray(0, safe));
              this.pending = this.pending.subarray(safe);
            }
            return;
          }
          this.emitContent(this.pending.subarray(0, at));
          this.pending = this.pending.subarray(at + this.delimiter.length);
          this.state = 'after-delimiter';
          break;
        }
        case 'epilogue':
          this.pending = Buffer.alloc(0);
          return;
      }
    }
  }

  private takeHeaders(): Record<string, string> | undefined {
    if (this.pending.subarray(0, CRLF.length).equals(CRLF)) {
      this.pending = this.pending.subarray(CRLF.length);
      return {};
    }
    const end = this.pending.indexOf(HEADER_END);
    if (end < 0) return undefined;
    const headers: Record<string, string> = {};
    for (const line of this.pending.subarray(0, end).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    this.pending = this.pending.subarray(end + HEADER_END.length);
    return headers;
  }

  private startPart(headers: Record<string, string>): void {
    this.partIndex += 1;
    if (this.partIndex > 1) throw badRequest('multipart/related upload has more than two parts');
    if (this.partIndex === 1) {
      this.resolveHead({ metadata: this.parseMetadata(), mediaContentType: headers['content-type'] });
    }
  }

  private emitContent(content: Buffer): void {
    if (content.length === 0) return;
    if (this.partIndex === 1) {
      this.push(content);
      return;
    }
    this.metadataBytes += content.length;
    if (this.metadataBytes > MAX_METADATA_BYTES) throw badRequest('multipart/related metadata part is too large');
    this.metadataChunks.push(content);
  }

  private finishParts(): void {
    if (this.partIndex !== 1) throw badRequest('multipart/related upload needs a metadata part and a media part');
    this.state = 'epilogue';
  }

  private parseMetadata(): unknown {
    const text = Buffer.concat(this.metadataChunks).toString('utf8');
    this.metadataChunks = [];
    try {
      return text.trim() === '' ? {} : JSON.parse(text);
    } catch {
      throw badRequest('multipart/related metadata part is not JSON');
    }
  }
}
