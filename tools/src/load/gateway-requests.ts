import type { RequestShape } from './request-mix';
import type { RequestOutcome } from './request-outcome';
import type { SampleEvent } from './sample-events';
import type { SampleEncoder } from './sample-schema';

/** An HTTP request for the gateway. */
export interface GatewayRequest {
  path: string;
  headers: Record<string, string>;
  body: string | Buffer;
  /** Reads the answer as per-event outcomes. */
  kind: 'native' | 'rest-proxy';
}

/** The request that posts `events` (all of `shape.topic`) in the shape's API and encoding. */
export function buildGatewayRequest(shape: RequestShape, events: SampleEvent[], encoder: SampleEncoder): GatewayRequest {
  const topic = encodeURIComponent(shape.topic);
  const native = `/v1/topics/${topic}/events`;
  const nativeEvent = (event: SampleEvent) => ({ id: event.id, key: event.key, value: event.value });
  switch (shape.api) {
    case 'native-json':
      return { kind: 'native', path: native, headers: { 'content-type': 'application/json' }, body: JSON.stringify(nativeEvent(events[0])) };
    case 'native-json-batch':
      return { kind: 'native', path: native, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ events: events.map(nativeEvent) }) };
    case 'native-ndjson':
      return { kind: 'native', path: native, headers: { 'content-type': 'application/x-ndjson' }, body: events.map((event) => JSON.stringify(nativeEvent(event))).join('\n') + '\n' };
    case 'native-protobuf': {
      const [event] = events;
      return {
        kind: 'native',
        path: native,
        headers: { 'content-type': 'application/x-protobuf', 'x-event-id': event.id, 'x-event-key': event.key },
        body: encoder.encode(event.messageType, event.value),
      };
    }
    case 'rest-proxy-json':
      return {
        kind: 'rest-proxy',
        path: `/topics/${topic}`,
        headers: { 'content-type': 'application/vnd.kafka.json.v2+json' },
        body: JSON.stringify({ records: events.map((event) => ({ key: event.key, value: event.value })) }),
      };
    case 'rest-proxy-binary':
      return {
        kind: 'rest-proxy',
        path: `/topics/${topic}`,
        headers: { 'content-type': 'application/vnd.kafka.binary.v2+json' },
        body: JSON.stringify({
          records: events.map((event) => ({
            key: Buffer.from(event.key).toString('base64'),
            value: encoder.encode(event.messageType, event.value).toString('base64'),
          })),
        }),
      };
  }
}

interface NativeAnswer {
  results?: Array<{ status?: string }>;
}
interface RestProxyAnswer {
  offsets?: Array<{ offset?: number | null; error_code?: number | null }>;
}

/**
 * Per-event outcome of an answer. 2xx and 503 answers list the durable
 * events (`results` of the native API; `offsets` with a null `error_code` of
 * the REST Proxy, whose `offset` is null for an event in the failover
 * stream); every event not listed as durable fails with the status.
 */
export function outcomeOfAnswer(kind: GatewayRequest['kind'], events: number, status: number, body: unknown, latencyMs: number): RequestOutcome {
  let kafka = 0;
  let failover = 0;
  if (status === 200 || status === 503) {
    if (kind === 'native') {
      for (const result of (body as NativeAnswer | undefined)?.results ?? []) {
        if (result.status === 'kafka') kafka += 1;
        else if (result.status === 'failover') failover += 1;
      }
    } else {
      for (const offset of (body as RestProxyAnswer | undefined)?.offsets ?? []) {
        if (offset.error_code !== null && offset.error_code !== undefined) continue;
        if (offset.offset === null || offset.offset === undefined) failover += 1;
        else kafka += 1;
      }
    }
  }
  const failed = events - kafka - failover;
  return { events, kafka, failover, failures: failed > 0 ? { [String(status)]: failed } : {}, latencyMs };
}

/** Posts the request and reads its answer; a request that got no answer fails every event with `network <code>`. */
export async function postToGateway(baseUrl: string, request: GatewayRequest, events: number, timeoutMs: number): Promise<RequestOutcome> {
  const started = performance.now();
  try {
    const response = await fetch(`${baseUrl}${request.path}`, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return outcomeOfAnswer(request.kind, events, response.status, body, performance.now() - started);
  } catch (error) {
    return { events, kafka: 0, failover: 0, failures: { [`network ${networkCode(error)}`]: events }, latencyMs: performance.now() - started };
  }
}

function networkCode(error: unknown): string {
  const err = error as { name?: string; code?: string; cause?: { code?: string } };
  if (err.name === 'TimeoutError') return 'timeout';
  return err.cause?.code ?? err.code ?? err.name ?? 'error';
}
