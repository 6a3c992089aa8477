import type { Logger } from 'pino';
import type { ApiKeyAuthenticator } from '../auth/api-key-authenticator';
import type { IngestLimits } from '../events/ingest-limits';
import type { PrincipalRateLimiter } from '../limits/principal-rate-limiter';
import type { IngestMetrics } from '../metrics/ingest-metrics';
import type { EventSink } from '../sink/event-outcome';
import type { TopicValueCodecs } from '../values/topic-value-codecs';
import type { TopicDirectory } from './topic-admission';

/** Everything the HTTP APIs use; the app wires it, a benchmark or test may substitute parts. */
export interface IngestServices {
  sink: EventSink;
  topics: TopicDirectory;
  authenticator: ApiKeyAuthenticator;
  rateLimiter: PrincipalRateLimiter;
  codecs: TopicValueCodecs;
  limits: IngestLimits;
  /** Most bytes of a request body (after decompression); more is 413. */
  maxBodyBytes: number;
  /** `Retry-After` of a 503. */
  retryAfterSeconds: number;
  /** Per-topic configuration overrides for `GET /topics/{topic}` (kafkajs `describeConfigs`). */
  topicConfigs?: (topic: string) => Promise<Record<string, string>>;
  metrics?: IngestMetrics;
  logger?: Logger;
}
