import type { KafkaMessage, Message } from 'kafkajs';
import { KafkaOperationError, type ConsumedBatch } from '@eventpath/queues';
import { eventually } from '@eventpath/dev-infra';
import { DEAD_LETTER_HEADERS } from '../dead-letter/dead-letter-message';
import type { DeliveryHooks, RecordOutcome } from '../delivery/record-delivery';
import { PartitionRelay, type PartitionRelayOptions } from './partition-relay';

interface Call {
  topic: string;
  values: string[];
  signal?: AbortSignal;
  hooks?: DeliveryHooks;
  settle(outcomes?: RecordOutcome[]): void;
}

/** A target whose every delivery waits until the test settles it. */
class ControlledTarget {
  readonly name = 'mainstream';
  readonly calls: Call[] = [];
  readonly delivery = {
    deliver: (topic: string, messages: Message[], signal?: AbortSignal, hooks?: DeliveryHooks) =>
      new Promise<RecordOutcome[]>((resolve) => {
        const written = messages.map((_, i): RecordOutcome => ({ status: 'written', report: { topic, partition: 0, offset: String(i) } }));
        this.calls.push({ topic, values: messages.map((m) => String(m.value)), signal, hooks, settle: (outcomes) => resolve(outcomes ?? written) });
      }),
  };
}

function batch(offsets: number[], done: string[], valueBytes = 1): ConsumedBatch {
  return {
    topic: 'events',
    partition: 2,
    highWatermark: '1000',
    messages: offsets.map(
      (offset) =>
        ({
          key: Buffer.from(`k${offset % 3}`),
          value: Buffer.from(String(offset).padEnd(valueBytes, '.')),
          timestamp: '1700000000000',
          attributes: 0,
          offset: String(offset),
          headers: {},
        }) as KafkaMessage,
    ),
    markDone: (offset) => void done.push(offset),
    heartbeat: async () => undefined,
  };
}

function relay(overrides: Partial<PartitionRelayOptions> = {}) {
  const target = new ControlledTarget();
  const flow = { paused: 0, resumed: 0, pause: () => void (flow.paused += 1), resume: () => void (flow.resumed += 1) };
  const letters: Message[] = [];
  const partition = new PartitionRelay({
    topic: 'events',
    partition: 2,
    targetTopic: 'events-main',
    partitioning: 'key',
    target,
    deadLetters: { write: async (batch) => void letters.push(...batch) },
    maxSendBytes: 1 << 20,
    maxBufferedBytes: 1 << 20,
    flow,
    ...overrides,
  });
  return { partition, target, flow, letters };
}

const next = async (target: ControlledTarget, n: number) => eventually(() => target.calls.length >= n, 2000, `delivery call ${n}`);

describe('PartitionRelay', () => {
  it('sends in offset order, one send at a time, and marks records done only after delivery', async () => {
    const { partition, target } = relay();
    const done: string[] = [];
    partition.enqueue(batch([0, 1, 2], done));
    await next(target, 1);
    partition.enqueue(batch([3, 4], done));
    expect(target.calls).toHaveLength(1);
    expect(done).toEqual([]);
    target.calls[0].settle();
    await next(target, 2);
    expect(done).toEqual(['0', '1', '2']);
    expect(target.calls.map((c) => c.values)).toEqual([
      ['0', '1', '2'],
      ['3', '4'],
    ]);
    expect(target.calls[0].topic).toBe('events-main');
    target.calls[1].settle();
    await partition.idle();
    expect(done).toEqual(['0', '1', '2', '3', '4']);
  });

  it('cuts sends at maxSendBytes', async () => {
    // Each record counts 134 bytes (100 of value, 2 of key, 32 of framing).
    const { partition, target } = relay({ maxSendBytes: 300 });
    const done: string[] = [];
    partition.enqueue(batch([0, 1, 2, 3, 4], done, 100));
    for (let n = 1; n <= 3; n++) {
      await next(target, n);
      target.calls[n - 1].settle();
    }
    await partition.idle();
    expect(target.calls.map((c) => c.values.length)).toEqual([2, 2, 1]);
    expect(done).toHaveLength(5);
  });

  it('pauses fetching while the target fails and resumes once it recovered', async () => {
    const { partition, target, flow } = relay();
    const done: string[] = [];
    partition.enqueue(batch([0], done));
    await next(target, 1);
    const hooks = target.calls[0].hooks as DeliveryHooks;
    hooks.onRetry?.({ error: new KafkaOperationError('broker-unavailable', 'down'), attempt: 1, delayMs: 10 });
    hooks.onRetry?.({ error: new KafkaOperationError('broker-unavailable', 'down'), attempt: 2, delayMs: 20 });
    expect(flow).toMatchObject({ paused: 1, resumed: 0 });
    expect(partition.isPaused).toBe(true);
    expect(partition.isWaitingForTarget).toBe(true);
    hooks.onRecovered?.();
    expect(flow).toMatchObject({ paused: 1, resumed: 1 });
    expect(partition.isWaitingForTarget).toBe(false);
    target.calls[0].settle();
    await partition.idle();
    expect(done).toEqual(['0']);
  });

  it('pauses fetching while its buffer is full and resumes below half of it', async () => {
    const { partition, target, flow } = relay({ maxBufferedBytes: 400, maxSendBytes: 150 });
    const done: string[] = [];
    partition.enqueue(batch([0, 1, 2, 3], done, 100));
    expect(flow.paused).toBe(1);
    // Paused by its own buffer, not waiting for the target.
    expect(partition.isWaitingForTarget).toBe(false);
    await next(target, 1);
    target.calls[0].settle();
    await next(target, 2);
    expect(flow.resumed).toBe(0);
    target.calls[1].settle();
    await next(target, 3);
    expect(flow.resumed).toBe(0);
    target.calls[2].settle();
    await next(target, 4);
    // 134 bytes left of 536: below half of 400.
    expect(flow.resumed).toBe(1);
    target.calls[3].settle();
    await partition.idle();
    expect(done).toEqual(['0', '1', '2', '3']);
  });

  it('dead-letters refused records with their origin, then marks them done so the partition moves on', async () => {
    const { partition, target, letters } = relay();
    const done: string[] = [];
    partition.enqueue(batch([7, 8, 9], done));
    await next(target, 1);
    const error = new KafkaOperationError('message-too-large', 'MESSAGE_TOO_LARGE');
    target.calls[0].settle([
      { status: 'written', report: { topic: 'events-main', partition: 0, offset: '0' } },
      { status: 'refused', reason: 'message-too-large', error },
      { status: 'written', report: { topic: 'events-main', partition: 0, offset: '1' } },
    ]);
    await partition.idle();
    expect(done).toEqual(['7', '8', '9']);
    expect(letters).toHaveLength(1);
    expect(letters[0].headers).toMatchObject({
      [DEAD_LETTER_HEADERS.reason]: 'message-too-large',
      [DEAD_LETTER_HEADERS.originTopic]: 'events',
      [DEAD_LETTER_HEADERS.originPartition]: '2',
      [DEAD_LETTER_HEADERS.originOffset]: '8',
      [DEAD_LETTER_HEADERS.targetTopic]: 'events-main',
      [DEAD_LETTER_HEADERS.targetCluster]: 'mainstream',
    });
  });

  it('starts over when the partition is redelivered from its committed offset, abandoning the send in hand', async () => {
    const { partition, target, flow } = relay();
    const oldDone: string[] = [];
    partition.enqueue(batch([0, 1], oldDone));
    await next(target, 1);
    (target.calls[0].hooks as DeliveryHooks).onRetry?.({ error: new KafkaOperationError('broker-unavailable', 'down'), attempt: 1, delayMs: 10 });
    partition.enqueue(batch([2, 3], oldDone));
    // A rebalance: the group restarts the partition from offset 0.
    const newDone: string[] = [];
    partition.enqueue(batch([0, 1, 2, 3], newDone));
    expect(target.calls[0].signal?.aborted).toBe(true);
    expect(flow.resumed).toBe(1);
    target.calls[0].settle();
    await next(target, 2);
    expect(target.calls[1].values).toEqual(['0', '1', '2', '3']);
    target.calls[1].settle();
    await partition.idle();
    expect(oldDone).toEqual([]);
    expect(newDone).toEqual(['0', '1', '2', '3']);
  });

  it('on stop drops its buffer, abandons the send in hand and resumes a paused partition', async () => {
    const { partition, target, flow } = relay({ maxBufferedBytes: 10 });
    const done: string[] = [];
    partition.enqueue(batch([0, 1], done, 100));
    await next(target, 1);
    expect(flow.paused).toBe(1);
    const stopping = partition.stop();
    expect(target.calls[0].signal?.aborted).toBe(true);
    expect(flow.resumed).toBe(1);
    target.calls[0].settle();
    await stopping;
    partition.enqueue(batch([2], done));
    expect(done).toEqual([]);
    expect(target.calls).toHaveLength(1);
    expect(partition.bufferedRecords).toBe(0);
  });
});
