import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Where events went, as the `destination` label says. */
export type EventDestination = 'kafka' | 'failover' | 'rejected';

/** Circuit states as `eventpath_gateway_circuit_state` reports them. */
export const CIRCUIT_STATE_VALUES = { closed: 0, 'half-open': 1, open: 2 } as const;

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The gateway's metrics, registered on the registry given (with its default
 * labels, e.g. `app`). One instance per registry: components share it.
 */
export class IngestMetrics {
  readonly requests: Counter<'route' | 'status'>;
  readonly requestDuration: Histogram<'route'>;
  readonly events: Counter<'topic' | 'destination'>;
  readonly eventBytes: Counter<'topic' | 'destination'>;
  readonly kafkaSendDuration: Histogram<'outcome'>;
  readonly failoverAppendDuration: Histogram<'outcome'>;
  readonly circuitState: Gauge;
  readonly circuitTransitions: Counter<'state'>;
  readonly topicsKnown: Gauge;
  readonly topicRefreshFailures: Counter;
  readonly failoverStreamDepth: Gauge<'topic'>;
  private readonly depthReaders: Array<() => Promise<Record<string, number>>> = [];

  constructor(registry: Registry) {
    const registers = [registry];
    this.requests = new Counter({ name: 'eventpath_gateway_requests_total', help: 'HTTP requests by route and status', labelNames: ['route', 'status'], registers });
    this.requestDuration = new Histogram({
      name: 'eventpath_gateway_request_duration_seconds',
      help: 'Time from the request to the answer, by route',
      labelNames: ['route'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.events = new Counter({
      name: 'eventpath_gateway_events_total',
      help: 'Events by topic and where they went: kafka (acknowledged, acks=all), failover (Redis stream), rejected (not accepted)',
      labelNames: ['topic', 'destination'],
      registers,
    });
    this.eventBytes = new Counter({
      name: 'eventpath_gateway_event_bytes_total',
      help: 'Bytes of events (id, key, value, headers) by topic and destination',
      labelNames: ['topic', 'destination'],
      registers,
    });
    this.kafkaSendDuration = new Histogram({
      name: 'eventpath_gateway_kafka_send_duration_seconds',
      help: 'Time of sends to the fronting Kafka through the circuit breaker, by outcome (ok, failed, timeout, short-circuited)',
      labelNames: ['outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.failoverAppendDuration = new Histogram({
      name: 'eventpath_gateway_failover_append_duration_seconds',
      help: 'Time of appends to the Redis failover stream, by outcome (ok, refused, failed)',
      labelNames: ['outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.circuitState = new Gauge({
      name: 'eventpath_gateway_circuit_state',
      help: 'Circuit breaker around the fronting Kafka: 0 closed (sending to Kafka), 1 half-open (probing), 2 open (sending to Redis)',
      registers,
    });
    this.circuitTransitions = new Counter({
      name: 'eventpath_gateway_circuit_transitions_total',
      help: 'Circuit breaker state changes, by the state entered',
      labelNames: ['state'],
      registers,
    });
    this.topicsKnown = new Gauge({ name: 'eventpath_gateway_topics', help: 'Topics the gateway accepts (known in the fronting cluster and allowed by its config)', registers });
    this.topicRefreshFailures = new Counter({
      name: 'eventpath_gateway_topic_refresh_failures_total',
      help: 'Failed reads of the fronting cluster topic list (the last known list stays in use)',
      registers,
    });
    const readers = this.depthReaders;
    this.failoverStreamDepth = new Gauge({
      name: 'eventpath_gateway_failover_stream_depth',
      help: 'Entries in each topic failover stream (written by gateways, not yet forwarded by the fronting-worker), read at scrape time',
      labelNames: ['topic'],
      registers,
      async collect() {
        for (const read of readers) {
          // A Redis that does not answer leaves the previous values, rather than failing the scrape.
          const depths = await read().catch(() => ({}) as Record<string, number>);
          for (const [topic, depth] of Object.entries(depths)) this.set({ topic }, depth);
        }
      },
    });
    this.circuitState.set(CIRCUIT_STATE_VALUES.closed);
  }

  /** Adds a source of failover stream depths, read at each scrape. */
  readFailoverDepthWith(read: () => Promise<Record<string, number>>): void {
    this.depthReaders.push(read);
  }

  countEvents(topic: string, destination: EventDestination, count: number, bytes: number): void {
    if (count === 0) return;
    this.events.inc({ topic, destination }, count);
    this.eventBytes.inc({ topic, destination }, bytes);
  }
}
