import { SchemaFetchError } from '../../errors';
import { hashBytes } from './content-hash';
import type { FetchResult, SchemaSource } from './schema-source';

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * A descriptor set served over HTTP(S). Polls are conditional (If-None-Match
 * with the last ETag, If-Modified-Since with the last Last-Modified), so an
 * unchanged schema costs a 304 with no body.
 */
export class DescriptorSetHttpSource implements SchemaSource {
  private etag?: string;
  private lastModified?: string;

  constructor(
    readonly name: string,
    readonly location: string,
    private readonly headers: Readonly<Record<string, string>> = {},
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {}

  async fetch(force: boolean): Promise<FetchResult> {
    const headers: Record<string, string> = { accept: 'application/octet-stream, */*', ...this.headers };
    if (!force) {
      if (this.etag) headers['if-none-match'] = this.etag;
      if (this.lastModified) headers['if-modified-since'] = this.lastModified;
    }
    let response: Response;
    let bytes: Uint8Array;
    try {
      response = await fetch(this.location, { headers, signal: AbortSignal.timeout(this.timeoutMs) });
      if (response.status === 304) return { notModified: true };
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch (err) {
      throw new SchemaFetchError(this.name, `GET ${this.location} failed: ${(err as Error).message}`);
    }
    if (!response.ok) throw new SchemaFetchError(this.name, `GET ${this.location} answered HTTP ${response.status}`);
    this.etag = response.headers.get('etag') ?? undefined;
    this.lastModified = response.headers.get('last-modified') ?? undefined;
    return { notModified: false, content: { kind: 'descriptorSet', bytes }, contentHash: hashBytes(bytes) };
  }
}
