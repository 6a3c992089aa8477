import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Stencil-style schema server on a local port: GET answers the current
 * descriptor set with an ETag and honours If-None-Match with 304.
 */
export class DescriptorSetServer {
  readonly requests: { status: number; headers: IncomingHttpHeaders }[] = [];
  /** Set to answer every request with this status instead (e.g. 503 for an outage). */
  failWith?: number;
  private content: Uint8Array;
  private etag: string;

  private constructor(
    private readonly server: Server,
    content: Uint8Array,
  ) {
    this.content = content;
    this.etag = etagOf(content);
  }

  static async start(content: Uint8Array): Promise<DescriptorSetServer> {
    const server = createServer();
    const instance = new DescriptorSetServer(server, content);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => instance.answer(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return instance;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1beta1/namespaces/test/schemas/rides`;
  }

  publish(content: Uint8Array): void {
    this.content = content;
    this.etag = etagOf(content);
  }

  private answer(request: IncomingMessage, response: ServerResponse): void {
    const reply = (status: number, body?: Uint8Array) => {
      this.requests.push({ status, headers: request.headers });
      response.writeHead(status, status === 200 || status === 304 ? { etag: this.etag } : {});
      response.end(body);
    };
    if (this.failWith !== undefined) reply(this.failWith);
    else if (request.headers['if-none-match'] === this.etag) reply(304);
    else reply(200, this.content);
  }

  count(status: number): number {
    return this.requests.filter((request) => request.status === status).length;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function etagOf(content: Uint8Array): string {
  return `"${createHash('sha256').update(content).digest('hex').slice(0, 16)}"`;
}
