import type { Message } from 'kafkajs';
import type { DeliveryHooks, RecordOutcome } from './record-delivery';

/** A cluster records go to, as the relay and the drain see it (a `KafkaTarget`). */
export interface DeliveryTarget {
  /** The cluster's role, for logs, metrics and dead-letter headers. */
  name: string;
  delivery: { deliver(topic: string, messages: Message[], signal?: AbortSignal, hooks?: DeliveryHooks): Promise<RecordOutcome[]> };
}

/** Where refused records go (a `DeadLetterWriter`). */
export interface DeadLetterSink {
  write(letters: Message[], source: string, signal?: AbortSignal): Promise<void>;
}
