import type { Message } from 'kafkajs';
import { KafkaOperationError, PartialDeliveryError, classifyKafkaError, type DeliveryReport } from '@eventpath/queues';
import { Backoff, sleep, type BackoffOptions } from './backoff';

/** Why a cluster refuses a record for good: resending it can never succeed. */
export type RefusalReason = 'message-too-large' | 'unknown-topic';

/** What became of one record handed to {@link RecordDelivery.deliver}. */
export type RecordOutcome =
  | { status: 'written'; report: DeliveryReport }
  | { status: 'refused'; reason: RefusalReason; error: KafkaOperationError };

/** Anything that sends a topic's messages and reports where each landed (a `BatchingProducer`). */
export interface RecordSender {
  send(topic: string, messages: Message[]): Promise<DeliveryReport[]>;
}

/** A send that failed and will be retried. */
export interface RetryNotice {
  error: KafkaOperationError;
  /** Failed attempts so far. */
  attempt: number;
  delayMs: number;
}

export interface DeliveryHooks {
  /** A send failed in a way that may pass (cluster unreachable, leader moving, ...): retried after `delayMs`. */
  onRetry?(notice: RetryNotice): void;
  /** Every record was settled after at least one retry. */
  onRecovered?(): void;
}

export interface RecordDeliveryOptions {
  /**
   * A topic the cluster does not have: `refuse` (default) reports its records
   * refused, for the dead-letter topic; `wait` retries until the topic exists.
   */
  unknownTopic?: 'refuse' | 'wait';
  /** Delays between retries. */
  backoff?: BackoffOptions;
}

/**
 * Delivers records to one cluster at least once, and never gives up on a
 * record the cluster may still take: every failure but a refusal is retried
 * with backoff until the records are written (or the signal aborts).
 *
 * A refusal (`message-too-large`, `unknown-topic`) is reported per record.
 * A broker refuses a whole produce request when one record in it is too
 * large, so a too-large failure does not say which record is at fault: the
 * records are sent again through the isolated sender, halving the set that
 * fails, until each refused record has failed alone. Records that were only
 * in bad company are written; only those the cluster refuses by themselves
 * are reported refused.
 */
export class RecordDelivery {
  private readonly refuseUnknownTopics: boolean;

  constructor(
    private readonly sender: RecordSender,
    private readonly isolated: RecordSender,
    private readonly options: RecordDeliveryOptions = {},
  ) {
    this.refuseUnknownTopics = (options.unknownTopic ?? 'refuse') === 'refuse';
  }

  /**
   * Resolves with one outcome per message, in order, once every message is
   * written or refused. Rejects only with the signal's reason.
   */
  async deliver(topic: string, messages: Message[], signal?: AbortSignal, hooks: DeliveryHooks = {}): Promise<RecordOutcome[]> {
    const outcomes: Array<RecordOutcome | undefined> = new Array(messages.length);
    const unsettled = (indices: number[]) => indices.filter((i) => outcomes[i] === undefined);
    let pending = messages.map((_, i) => i);
    const backoff = new Backoff(this.options.backoff);
    for (;;) {
      signal?.throwIfAborted();
      let failure = await this.sendOnce(this.sender, topic, messages, pending, outcomes);
      pending = unsettled(pending);
      if (pending.length > 0 && failure?.kind === 'message-too-large') {
        failure = await this.isolate(topic, messages, pending, outcomes, signal);
        pending = unsettled(pending);
      } else if (pending.length > 0 && failure?.kind === 'unknown-topic' && this.refuseUnknownTopics) {
        // The whole topic is missing: every one of its records is refused alike.
        for (const i of pending) outcomes[i] = { status: 'refused', reason: 'unknown-topic', error: failure };
        pending = [];
      }
      if (pending.length === 0) break;
      const error = failure ?? new KafkaOperationError('fatal', `producing to ${topic}: no outcome for ${pending.length} messages`);
      const delayMs = backoff.next();
      hooks.onRetry?.({ error, attempt: backoff.attempts, delayMs });
      await sleep(delayMs, signal);
    }
    if (backoff.attempts > 0) hooks.onRecovered?.();
    return outcomes as RecordOutcome[];
  }

  /** Sends the messages at `indices`, records the written ones in `outcomes`, and returns the failure, if any. */
  private async sendOnce(
    sender: RecordSender,
    topic: string,
    messages: Message[],
    indices: number[],
    outcomes: Array<RecordOutcome | undefined>,
  ): Promise<KafkaOperationError | undefined> {
    try {
      const reports = await sender.send(topic, indices.map((i) => messages[i]));
      indices.forEach((i, n) => (outcomes[i] = { status: 'written', report: reports[n] }));
      return undefined;
    } catch (error) {
      if (error instanceof PartialDeliveryError) {
        indices.forEach((i, n) => {
          const report = error.reports[n];
          if (report) outcomes[i] = { status: 'written', report };
        });
      }
      return asOperationError(error, topic);
    }
  }

  /**
   * Finds the records at `indices` the cluster refuses by themselves, in
   * order, halving the set that fails. Returns the failure that stopped the
   * search when it is not a refusal (the rest is retried later), else undefined.
   */
  private async isolate(
    topic: string,
    messages: Message[],
    indices: number[],
    outcomes: Array<RecordOutcome | undefined>,
    signal?: AbortSignal,
  ): Promise<KafkaOperationError | undefined> {
    signal?.throwIfAborted();
    const failure = await this.sendOnce(this.isolated, topic, messages, indices, outcomes);
    const rest = indices.filter((i) => outcomes[i] === undefined);
    if (!failure || rest.length === 0) return undefined;
    if (failure.kind === 'unknown-topic' && this.refuseUnknownTopics) {
      for (const i of rest) outcomes[i] = { status: 'refused', reason: 'unknown-topic', error: failure };
      return undefined;
    }
    if (failure.kind !== 'message-too-large') return failure;
    if (rest.length === 1) {
      outcomes[rest[0]] = { status: 'refused', reason: 'message-too-large', error: failure };
      return undefined;
    }
    const half = Math.ceil(rest.length / 2);
    return (
      (await this.isolate(topic, messages, rest.slice(0, half), outcomes, signal)) ??
      (await this.isolate(topic, messages, rest.slice(half), outcomes, signal))
    );
  }
}

function asOperationError(error: unknown, topic: string): KafkaOperationError {
  if (error instanceof KafkaOperationError) return error;
  return new KafkaOperationError(classifyKafkaError(error), `producing to ${topic}: ${error instanceof Error ? error.message : String(error)}`, {
    cause: error,
  });
}
