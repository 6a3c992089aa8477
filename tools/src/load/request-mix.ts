/**
 * How a request reaches the gateway: the native API with one JSON event, a
 * JSON batch, NDJSON or one protobuf message, or the REST Proxy v2 API with
 * JSON records or binary (base64 protobuf) records.
 */
export type RequestApi = 'native-json' | 'native-json-batch' | 'native-ndjson' | 'native-protobuf' | 'rest-proxy-json' | 'rest-proxy-binary';

export interface RequestShape {
  topic: string;
  api: RequestApi;
  /** Events in the request. */
  size: number;
  /** Whether the values are sent in their protobuf binary form (else as JSON, converted by the gateway). */
  protobuf: boolean;
}

export interface RequestMix {
  topics: readonly string[];
  /** Share of requests that carry a batch (0-1). */
  batchRatio: number;
  /** Share of requests whose values are protobuf bytes (0-1). */
  protobufRatio: number;
  /** Largest batch; a batch holds 2 to this many events. */
  maxBatchSize: number;
}

/**
 * The next request of the mix, drawn from `random`: topic uniformly; batch
 * with `batchRatio`, protobuf with `protobufRatio`, independently. A single
 * protobuf event is one native `application/x-protobuf` body; protobuf
 * batches go through the REST Proxy's binary format (the native API takes one
 * protobuf message per request); JSON batches are split between the native
 * batch (half), NDJSON and REST Proxy JSON (a quarter each). `limit` caps the
 * size (the last request of a counted run).
 */
export function nextRequestShape(mix: RequestMix, random: () => number, limit = Infinity): RequestShape {
  const topic = mix.topics[Math.floor(random() * mix.topics.length)];
  const batch = random() < mix.batchRatio && mix.maxBatchSize >= 2 && limit >= 2;
  const protobuf = random() < mix.protobufRatio;
  if (!batch) return { topic, api: protobuf ? 'native-protobuf' : 'native-json', size: 1, protobuf };
  const size = Math.min(limit, 2 + Math.floor(random() * (mix.maxBatchSize - 1)));
  if (protobuf) return { topic, api: 'rest-proxy-binary', size, protobuf };
  const which = random();
  return { topic, api: which < 0.5 ? 'native-json-batch' : which < 0.75 ? 'native-ndjson' : 'rest-proxy-json', size, protobuf };
}
