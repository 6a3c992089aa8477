import type { Message } from 'kafkajs';
import type { Logger } from 'pino';
import type { ConsumedBatch } from '@eventpath/queues';
import { deadLetterMessage } from '../dead-letter/dead-letter-message';
import { recordSize } from '../delivery/record-size';
import type { DeadLetterSink, DeliveryTarget } from '../delivery/delivery-target';
import type { Partitioning } from './partitioning';
import { relayedMessage } from './relayed-message';
import type { RelayMetrics } from './relay-metrics';

/** Stops and restarts fetching of one fronting partition. */
export interface PartitionFlow {
  pause(): void;
  resume(): void;
}

export interface PartitionRelayOptions {
  topic: string;
  partition: number;
  targetTopic: string;
  partitioning: Partitioning;
  target: DeliveryTarget;
  deadLetters: DeadLetterSink;
  /** Most bytes (as {@link recordSize} counts them) of one send. */
  maxSendBytes: number;
  /** Fetching pauses while this many bytes are buffered, and resumes below half of it. */
  maxBufferedBytes: number;
  flow: PartitionFlow;
  metrics?: RelayMetrics;
  logger?: Logger;
}

interface Buffered {
  message: Message;
  offset: string;
  bytes: number;
  markDone(offset: string): void;
}

type PauseReason = 'buffer-full' | 'target-unavailable';

/**
 * Moves one fronting partition's records to the mainstream cluster, in
 * offset order, one send at a time, and marks each record done only once
 * the mainstream cluster acknowledged it (or the dead-letter topic did).
 *
 * Records are buffered so fetching overlaps with sending; fetching pauses
 * while the buffer is full, and while the mainstream cluster fails sends,
 * which are retried with backoff until they succeed: nothing is skipped and
 * nothing is committed past a record not yet delivered.
 *
 * A batch starting at or before an offset already buffered means the group
 * rebalanced and the partition restarts from its committed offset: what is
 * buffered (and a send being retried) is dropped, since it comes again.
 */
export class PartitionRelay {
  private queue: Buffered[] = [];
  private queuedBytes = 0;
  private inFlight: Buffered[] = [];
  private inFlightBytes = 0;
  private lastOffset: bigint | undefined;
  private controller = new AbortController();
  private running: Promise<void> | undefined;
  private readonly pausedFor = new Set<PauseReason>();
  private stopped = false;

  constructor(private readonly options: PartitionRelayOptions) {}

  /** Records fetched and not yet delivered. */
  get bufferedRecords(): number {
    return this.queue.length + this.inFlight.length;
  }

  get bufferedBytes(): number {
    return this.queuedBytes + this.inFlightBytes;
  }

  get isPaused(): boolean {
    return this.pausedFor.size > 0;
  }

  /** Whether a send is being retried because the target fails. */
  get isWaitingForTarget(): boolean {
    return this.pausedFor.has('target-unavailable');
  }

  /** Buffers a fetched batch for delivery; returns at once. */
  enqueue(batch: ConsumedBatch): void {
    if (this.stopped || batch.messages.length === 0) return;
    const first = BigInt(batch.messages[0].offset);
    if (this.lastOffset !== undefined && first <= this.lastOffset) this.restart(first);
    const { partition, partitioning } = this.options;
    let batchBytes = 0;
    for (const record of batch.messages) {
      const message = relayedMessage(record, partition, partitioning);
      const bytes = recordSize(message);
      this.queue.push({ message, offset: record.offset, bytes, markDone: batch.markDone });
      batchBytes += bytes;
    }
    this.queuedBytes += batchBytes;
    this.track(batch.messages.length, batchBytes);
    this.lastOffset = BigInt(batch.messages[batch.messages.length - 1].offset);
    if (this.bufferedBytes >= this.options.maxBufferedBytes) this.hold('buffer-full');
    this.kick();
  }

  /** Resolves once nothing is buffered (or the relay stopped). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /**
   * Drops what is buffered, abandons a send being retried and resumes
   * fetching (the partition may come back to this worker later). Resolves
   * when a send in progress has returned.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.controller.abort(new Error('partition relay stopped'));
    this.dropQueue();
    this.release('buffer-full');
    this.release('target-unavailable');
    await this.idle();
  }

  private restart(from: bigint): void {
    this.options.logger?.info(
      { topic: this.options.topic, partition: this.options.partition, from: from.toString(), dropped: this.bufferedRecords },
      'partition restarts from its committed offset; dropping buffered records',
    );
    this.controller.abort(new Error('partition restarted from its committed offset'));
    this.controller = new AbortController();
    this.dropQueue();
    this.lastOffset = undefined;
    this.release('target-unavailable');
    this.release('buffer-full');
  }

  private dropQueue(): void {
    this.track(-this.queue.length, -this.queuedBytes);
    this.queue = [];
    this.queuedBytes = 0;
  }

  private kick(): void {
    if (this.running || this.stopped) return;
    this.running = this.run().finally(() => {
      this.running = undefined;
      if (this.queue.length > 0) this.kick();
    });
  }

  private async run(): Promise<void> {
    while (this.queue.length > 0 && !this.stopped) {
      const signal = this.controller.signal;
      this.takeChunk();
      try {
        await this.deliver(this.inFlight, signal);
      } catch (error) {
        if (!signal.aborted) {
          // Not expected: deliveries retry everything but an abort. Keep the
          // records unmarked (they come again after a restart) and say so.
          this.options.logger?.error({ err: error, topic: this.options.topic, partition: this.options.partition }, 'relaying a chunk failed');
        }
      } finally {
        this.track(-this.inFlight.length, -this.inFlightBytes);
        this.inFlight = [];
        this.inFlightBytes = 0;
      }
      if (this.bufferedBytes < this.options.maxBufferedBytes / 2) this.release('buffer-full');
    }
  }

  private takeChunk(): void {
    let bytes = 0;
    let count = 0;
    while (count < this.queue.length && (count === 0 || bytes + this.queue[count].bytes <= this.options.maxSendBytes)) {
      bytes += this.queue[count].bytes;
      count += 1;
    }
    this.inFlight = this.queue.splice(0, count);
    this.inFlightBytes = bytes;
    this.queuedBytes -= bytes;
  }

  private async deliver(chunk: Buffered[], signal: AbortSignal): Promise<void> {
    const { topic, partition, targetTopic, target, metrics, logger } = this.options;
    const outcomes = await target.delivery.deliver(
      targetTopic,
      chunk.map((b) => b.message),
      signal,
      {
        onRetry: ({ error, attempt, delayMs }) => {
          this.hold('target-unavailable');
          metrics?.sendRetries.inc({ kind: error.kind });
          const log = attempt === 1 || attempt % 10 === 0 ? 'warn' : 'debug';
          logger?.[log]({ err: error, topic, partition, targetTopic, attempt, retryInMs: delayMs }, `relaying to ${target.name} failed (${error.kind}); partition paused, retrying`);
        },
        onRecovered: () => {
          this.release('target-unavailable');
          logger?.info({ topic, partition, targetTopic }, `relaying to ${target.name} works again; partition resumed`);
        },
      },
    );
    const letters: Message[] = [];
    const refusedReasons: string[] = [];
    outcomes.forEach((outcome, i) => {
      if (outcome.status !== 'refused') return;
      const record = chunk[i];
      letters.push(
        deadLetterMessage(
          record.message,
          { reason: outcome.reason, error: outcome.error, targetCluster: target.name, targetTopic },
          { kind: 'kafka', topic, partition, offset: record.offset },
        ),
      );
      refusedReasons.push(outcome.reason);
      logger?.warn({ topic, partition, offset: record.offset, targetTopic, reason: outcome.reason }, 'record refused by the target; dead-lettering it');
    });
    if (letters.length > 0) await this.options.deadLetters.write(letters, 'relay', signal);
    signal.throwIfAborted();
    let relayed = 0;
    for (const record of chunk) {
      try {
        record.markDone(record.offset);
      } catch (error) {
        logger?.error({ err: error, topic, partition, offset: record.offset }, 'marking a relayed record done failed');
      }
    }
    for (const outcome of outcomes) if (outcome.status === 'written') relayed += 1;
    metrics?.relayed.inc({ topic }, relayed);
    for (const reason of refusedReasons) metrics?.deadLettered.inc({ topic, reason });
  }

  private hold(reason: PauseReason): void {
    if (this.stopped || this.pausedFor.has(reason)) return;
    const wasPaused = this.pausedFor.size > 0;
    this.pausedFor.add(reason);
    if (!wasPaused) {
      this.options.flow.pause();
      this.options.metrics?.pausedPartitions.inc();
    }
  }

  private release(reason: PauseReason): void {
    if (!this.pausedFor.delete(reason) || this.pausedFor.size > 0) return;
    this.options.flow.resume();
    this.options.metrics?.pausedPartitions.dec();
  }

  private track(records: number, bytes: number): void {
    this.options.metrics?.bufferedRecords.inc(records);
    this.options.metrics?.bufferedBytes.inc(bytes);
  }
}
