/** Typed errors of @eventpath/queues. Callers branch on the class (or `kind`), never on message text. */

/** `put` on a queue that was closed: nothing more may enter. */
export class QueueClosedError extends Error {
  override readonly name = 'QueueClosedError';
  constructor() {
    super('the queue is closed: no more items may be put');
  }
}

/**
 * How a Kafka failure should be handled by the caller.
 * - `broker-unavailable`: the cluster cannot be reached (refused, closed, timed out, no leader):
 *   fail over or pause and retry later.
 * - `retriable`: a transient broker-side condition that kafkajs retried without success.
 * - `message-too-large`: resending the same message will fail again; reject it.
 * - `auth`: credentials or ACLs are wrong; retrying cannot help, an operator must.
 * - `fatal`: anything else that is not retriable (invalid request, unknown error).
 */
export type KafkaErrorKind = 'broker-unavailable' | 'retriable' | 'message-too-large' | 'unknown-topic' | 'auth' | 'fatal';

/** A Kafka operation failed; `kind` is the stable classification, `cause` the kafkajs error. */
export class KafkaOperationError extends Error {
  override readonly name: string = 'KafkaOperationError';
  constructor(
    readonly kind: KafkaErrorKind,
    message: string,
    options?: { cause: unknown },
  ) {
    super(`${kind}: ${message}`, options);
  }
}

/** Where one produced message was written. */
export interface DeliveryReport {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * A send of which some messages were written and others not (their
 * partitions' leader failed): `reports[i]` is set for each written message,
 * `undefined` for the others; `kind` and `cause` describe the failure.
 */
export class PartialDeliveryError extends KafkaOperationError {
  override readonly name = 'PartialDeliveryError';
  constructor(
    failure: KafkaOperationError,
    readonly reports: ReadonlyArray<DeliveryReport | undefined>,
  ) {
    const failed = reports.filter((report) => report === undefined).length;
    super(failure.kind, `${failed} of ${reports.length} messages not written (${failure.message})`, { cause: failure.cause ?? failure });
  }
}

/** Why the failover stream refused an append. */
export type BufferFullReason = 'entries' | 'bytes' | 'redis-memory';

/**
 * The failover stream will not take the events: a configured cap would be
 * exceeded, or Redis refused the write for lack of memory. Nothing of the
 * call was written and nothing already stored was evicted; the caller should
 * answer with backpressure (HTTP 503) and let the producer retry.
 */
export class FailoverBufferFullError extends Error {
  override readonly name = 'FailoverBufferFullError';
  constructor(
    readonly topic: string,
    readonly reason: BufferFullReason,
    detail: string,
  ) {
    super(`failover stream for topic "${topic}" is full (${reason}): ${detail}`);
  }
}

/**
 * An event handed to the failover stream is malformed or over a limit;
 * nothing of the call was written. `eventIndex` is the event's position in
 * the call and `field` what is wrong with it (`id`, `key`, `value`,
 * `timestamp`, `headers` (their count), `headers.<name>`, or `event` for its
 * total size), when the writer found it.
 */
export class InvalidFailoverEventError extends Error {
  override readonly name = 'InvalidFailoverEventError';
  readonly eventIndex?: number;
  readonly field?: string;
  constructor(message: string, where?: { eventIndex: number; field: string }) {
    super(message);
    this.eventIndex = where?.eventIndex;
    this.field = where?.field;
  }
}

/** Redis is configured to evict keys under memory pressure, which would silently drop buffered events. */
export class EvictingMemoryPolicyError extends Error {
  override readonly name = 'EvictingMemoryPolicyError';
  constructor(readonly policy: string) {
    super(
      `Redis maxmemory-policy is "${policy}": under memory pressure Redis would evict failover events. ` +
        'Set it to noeviction (redis.conf: "maxmemory-policy noeviction", or at run time ' +
        '"CONFIG SET maxmemory-policy noeviction" followed by "CONFIG REWRITE"; on a managed Redis, ' +
        "in the instance's configuration). Full buffers then refuse writes, which the gateway turns into 503s.",
    );
  }
}

/**
 * Redis does not persist appends as the failover writer's `durability`
 * requires, so an event acknowledged to a producer could be lost when Redis
 * (or its machine) restarts. `setting` is the Redis setting at fault
 * (`appendonly` or `appendfsync`) and `value` what Redis has (or `unknown`
 * when it could not be read).
 */
export class NonDurableRedisError extends Error {
  override readonly name = 'NonDurableRedisError';
  constructor(
    readonly setting: 'appendonly' | 'appendfsync',
    readonly value: string,
    explanation: string,
  ) {
    super(`Redis ${setting} is ${value}: ${explanation}`);
  }
}
