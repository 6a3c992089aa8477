import type { Message } from 'kafkajs';
import { KafkaOperationError, PartialDeliveryError, type DeliveryReport } from '@eventpath/queues';
import { RecordDelivery, type RecordSender, type RetryNotice } from './record-delivery';

/**
 * A stand-in cluster: a request holding a message whose value is "BIG" is
 * refused whole (as a broker refuses a request with a record over
 * max.message.bytes), the topic "missing" does not exist, and while `down`
 * every request fails as unreachable.
 */
class FakeCluster {
  down = 0;
  readonly log: Message[] = [];
  readonly requests: string[][] = [];
  private offset = 0;

  sender(): RecordSender {
    return { send: (topic, messages) => this.request(topic, messages) };
  }

  async request(topic: string, messages: Message[]): Promise<DeliveryReport[]> {
    this.requests.push(messages.map((m) => String(m.value)));
    if (this.down > 0) {
      this.down -= 1;
      throw new KafkaOperationError('broker-unavailable', 'connection refused');
    }
    if (topic === 'missing') throw new KafkaOperationError('unknown-topic', `producing to ${topic}: UNKNOWN_TOPIC_OR_PARTITION`);
    if (messages.some((m) => String(m.value) === 'BIG')) throw new KafkaOperationError('message-too-large', 'MESSAGE_TOO_LARGE');
    this.log.push(...messages);
    return messages.map(() => ({ topic, partition: 0, offset: String(this.offset++) }));
  }
}

const values = (...list: string[]): Message[] => list.map((value) => ({ value }));
const fast = { backoff: { initialMs: 1, maxMs: 2 } };

describe('RecordDelivery', () => {
  it('writes everything in one send when the cluster takes it', async () => {
    const cluster = new FakeCluster();
    const delivery = new RecordDelivery(cluster.sender(), cluster.sender(), fast);
    const outcomes = await delivery.deliver('events', values('a', 'b'));
    expect(outcomes.map((o) => o.status)).toEqual(['written', 'written']);
    expect(cluster.requests).toEqual([['a', 'b']]);
  });

  it('retries an unreachable cluster with backoff until it answers, then reports recovery', async () => {
    const cluster = new FakeCluster();
    cluster.down = 3;
    const retries: RetryNotice[] = [];
    let recovered = 0;
    const delivery = new RecordDelivery(cluster.sender(), cluster.sender(), fast);
    const outcomes = await delivery.deliver('events', values('a', 'b'), undefined, {
      onRetry: (notice) => void retries.push(notice),
      onRecovered: () => void (recovered += 1),
    });
    expect(outcomes.every((o) => o.status === 'written')).toBe(true);
    expect(retries.map((r) => [r.attempt, r.error.kind])).toEqual([
      [1, 'broker-unavailable'],
      [2, 'broker-unavailable'],
      [3, 'broker-unavailable'],
    ]);
    expect(recovered).toBe(1);
    expect(cluster.log.map((m) => m.value)).toEqual(['a', 'b']);
  });

  it('resends only the messages a partial delivery did not write', async () => {
    let calls = 0;
    const sender: RecordSender = {
      send: async (topic, messages) => {
        calls += 1;
        if (calls === 1) {
          const reports = messages.map((m, i) => (String(m.value).startsWith('ok') ? { topic, partition: 0, offset: String(i) } : undefined));
          throw new PartialDeliveryError(new KafkaOperationError('broker-unavailable', 'leader of partition 1 down'), reports);
        }
        return messages.map((_, i) => ({ topic, partition: 1, offset: String(100 + i) }));
      },
    };
    const sent: string[][] = [];
    const recording: RecordSender = { send: (topic, messages) => (sent.push(messages.map((m) => String(m.value))), sender.send(topic, messages)) };
    const delivery = new RecordDelivery(recording, recording, fast);
    const outcomes = await delivery.deliver('events', values('ok-1', 'retry-1', 'ok-2', 'retry-2'));
    expect(sent).toEqual([['ok-1', 'retry-1', 'ok-2', 'retry-2'], ['retry-1', 'retry-2']]);
    expect(outcomes.map((o) => (o.status === 'written' ? `${o.report.partition}/${o.report.offset}` : o.status))).toEqual([
      '0/0',
      '1/100',
      '0/2',
      '1/101',
    ]);
  });

  it('finds the too-large record by sending alone, writes the innocent ones, and refuses only it', async () => {
    const cluster = new FakeCluster();
    const isolated = new FakeCluster();
    const delivery = new RecordDelivery(cluster.sender(), isolated.sender(), fast);
    const outcomes = await delivery.deliver('events', values('a', 'b', 'BIG', 'c', 'd'));
    expect(outcomes.map((o) => (o.status === 'refused' ? o.reason : o.status))).toEqual([
      'written',
      'written',
      'message-too-large',
      'written',
      'written',
    ]);
    expect(isolated.log.map((m) => m.value)).toEqual(['a', 'b', 'c', 'd']);
    // Halving: every isolated request holds at most what failed before it.
    expect(isolated.requests[0]).toEqual(['a', 'b', 'BIG', 'c', 'd']);
    expect(isolated.requests).toContainEqual(['BIG']);
    expect(isolated.requests.length).toBeLessThanOrEqual(7);
  });

  it('writes records that failed only for sharing a request with someone else’s too-large record', async () => {
    // The shared producer's request also held another sender's big record.
    const shared: RecordSender = { send: async () => Promise.reject(new KafkaOperationError('message-too-large', 'MESSAGE_TOO_LARGE')) };
    const isolated = new FakeCluster();
    const delivery = new RecordDelivery(shared, isolated.sender(), fast);
    const outcomes = await delivery.deliver('events', values('a', 'b', 'c'));
    expect(outcomes.every((o) => o.status === 'written')).toBe(true);
    expect(isolated.requests).toEqual([['a', 'b', 'c']]);
  });

  it('refuses every record of a topic the cluster lacks, or waits for the topic when told to', async () => {
    const cluster = new FakeCluster();
    const refuse = new RecordDelivery(cluster.sender(), cluster.sender(), fast);
    const outcomes = await refuse.deliver('missing', values('a', 'b'));
    expect(outcomes.map((o) => (o.status === 'refused' ? o.reason : o.status))).toEqual(['unknown-topic', 'unknown-topic']);
    expect(cluster.requests).toHaveLength(1);

    const controller = new AbortController();
    const retries: string[] = [];
    const wait = new RecordDelivery(cluster.sender(), cluster.sender(), { ...fast, unknownTopic: 'wait' });
    const waiting = wait.deliver('missing', values('a'), controller.signal, {
      onRetry: ({ error }) => {
        retries.push(error.kind);
        if (retries.length === 3) controller.abort(new Error('stopped'));
      },
    });
    await expect(waiting).rejects.toThrow('stopped');
    expect(retries).toEqual(['unknown-topic', 'unknown-topic', 'unknown-topic']);
  });

  it('stops isolating at a transient failure and retries the rest later, in order', async () => {
    const cluster = new FakeCluster();
    const isolated = new FakeCluster();
    let isolatedCalls = 0;
    const flaky: RecordSender = {
      send: (topic, messages) => {
        isolatedCalls += 1;
        if (isolatedCalls === 2) return Promise.reject(new KafkaOperationError('broker-unavailable', 'gone for a moment'));
        return isolated.request(topic, messages);
      },
    };
    const delivery = new RecordDelivery(cluster.sender(), flaky, fast);
    const outcomes = await delivery.deliver('events', values('a', 'BIG', 'b', 'c'));
    expect(outcomes.map((o) => (o.status === 'refused' ? o.reason : o.status))).toEqual(['written', 'message-too-large', 'written', 'written']);
    const written = [...cluster.log, ...isolated.log].map((m) => m.value);
    expect(written.sort()).toEqual(['a', 'b', 'c']);
  });

  it('rejects with the signal’s reason when aborted while retrying', async () => {
    const cluster = new FakeCluster();
    cluster.down = Number.POSITIVE_INFINITY;
    const controller = new AbortController();
    const delivery = new RecordDelivery(cluster.sender(), cluster.sender(), fast);
    const delivering = delivery.deliver('events', values('a'), controller.signal, { onRetry: () => controller.abort(new Error('rebalanced')) });
    await expect(delivering).rejects.toThrow('rebalanced');
  });
});
