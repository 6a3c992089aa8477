import { FailoverBufferFullError, KafkaOperationError, PartialDeliveryError, type DeliveryReport, type FailoverEvent } from '@eventpath/queues';
import type { Message } from 'kafkajs';
import { Registry } from 'prom-client';
import { createIngestEvent, type IngestEvent } from '../events/ingest-event';
import { IngestMetrics } from '../metrics/ingest-metrics';
import { DurableSink, type FailoverAppender, type KafkaSender } from './durable-sink';

const event = (id: string, key: string | null = null): IngestEvent =>
  createIngestEvent({ id, key: key === null ? null : Buffer.from(key), value: Buffer.from(`value-${id}`), contentType: 'application/json', ingestTime: 1 });
const report = (partition: number, offset: number): DeliveryReport => ({ topic: 't', partition, offset: String(offset) });

/** A collaborator stand-in: answers each call with what `next` returns. */
class FakeKafka implements KafkaSender {
  readonly sent: Message[][] = [];
  constructor(private readonly next: (messages: Message[]) => Promise<DeliveryReport[]>) {}
  send(_topic: string, messages: Message[]): Promise<DeliveryReport[]> {
    this.sent.push(messages);
    return this.next(messages);
  }
}

class FakeStream implements FailoverAppender {
  readonly appended: FailoverEvent[] = [];
  refuse?: Error;
  async append(_topic: string, events: FailoverEvent[]): Promise<string[]> {
    if (this.refuse) throw this.refuse;
    this.appended.push(...events);
    return events.map((_, i) => `1-${i}`);
  }
}

describe('DurableSink', () => {
  const sinks: DurableSink[] = [];
  const make = (kafka: KafkaSender, stream: FailoverAppender, options = {}) => {
    const sink = new DurableSink(kafka, stream, { breaker: { sendTimeoutMs: 200, consecutiveFailures: 3 }, ...options });
    sinks.push(sink);
    return sink;
  };
  afterEach(() => sinks.splice(0).forEach((s) => s.close()));

  it('reports the Kafka partition and offset of every event Kafka acknowledged, and sends the id, content type and ingest time as headers', async () => {
    const kafka = new FakeKafka(async (messages) => messages.map((_, i) => report(1, 10 + i)));
    const stream = new FakeStream();
    const outcomes = await make(kafka, stream).write('t', [event('a', 'k'), event('b')]);
    expect(outcomes).toEqual([
      { status: 'kafka', partition: 1, offset: '10' },
      { status: 'kafka', partition: 1, offset: '11' },
    ]);
    expect(stream.appended).toEqual([]);
    const [first] = kafka.sent[0];
    expect(first.key).toEqual(Buffer.from('k'));
    expect(Object.keys(first.headers ?? {})).toEqual(['eventpath-event-id', 'eventpath-content-type', 'eventpath-ingest-time']);
  });

  it('after a partial delivery appends only the events Kafka did not take, with the same id, key, value, headers and time', async () => {
    const kafka = new FakeKafka(async () => {
      throw new PartialDeliveryError(new KafkaOperationError('broker-unavailable', 'leader 2 down'), [report(0, 5), undefined, report(0, 6), undefined]);
    });
    const stream = new FakeStream();
    const events = [event('a'), event('b', 'kb'), event('c'), event('d')];
    const outcomes = await make(kafka, stream).write('t', events);
    expect(outcomes).toEqual([
      { status: 'kafka', partition: 0, offset: '5' },
      { status: 'failover' },
      { status: 'kafka', partition: 0, offset: '6' },
      { status: 'failover' },
    ]);
    expect(stream.appended).toEqual([events[1], events[3]].map((e) => ({ id: e.id, key: e.key, value: e.value, headers: e.headers, timestamp: e.timestamp })));
  });

  it('fails every event over when Kafka fails or does not answer in time, and straight away once the circuit is open', async () => {
    let hang = true;
    const kafka = new FakeKafka(() => (hang ? new Promise<DeliveryReport[]>(() => undefined) : Promise.reject(new KafkaOperationError('broker-unavailable', 'down'))));
    const stream = new FakeStream();
    const sink = make(kafka, stream);
    const started = performance.now();
    expect(await sink.write('t', [event('a'), event('b')])).toEqual([{ status: 'failover' }, { status: 'failover' }]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    hang = false;
    await sink.write('t', [event('c')]);
    await sink.write('t', [event('d')]);
    expect(sink.circuitState).toBe('open');
    const sends = kafka.sent.length;
    const openStarted = performance.now();
    expect(await sink.write('t', [event('e')])).toEqual([{ status: 'failover' }]);
    // Neither a send (none was made) nor a wait for the 200 ms send timeout.
    expect(kafka.sent.length).toBe(sends);
    expect(performance.now() - openStarted).toBeLessThan(190);
    expect(stream.appended.map((e) => e.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('says not-accepted, with both reasons, for events neither Kafka nor the stream took, and counts where events went', async () => {
    const metrics = new IngestMetrics(new Registry());
    const kafka = new FakeKafka(async () => {
      throw new PartialDeliveryError(new KafkaOperationError('broker-unavailable', 'leader down'), [report(3, 1), undefined]);
    });
    const stream = new FakeStream();
    stream.refuse = new FailoverBufferFullError('t', 'entries', 'the stream holds 10 entries');
    const outcomes = await make(kafka, stream, { metrics }).write('t', [event('a'), event('b')]);
    expect(outcomes[0]).toEqual({ status: 'kafka', partition: 3, offset: '1' });
    expect(outcomes[1]).toEqual({ status: 'not-accepted', retriable: true, reason: expect.stringMatching(/^fronting Kafka: .*leader down.*; failover stream: .*full \(entries\)/) });
    const counted = (await metrics.events.get()).values.map((v) => [v.labels.destination, v.value]);
    expect(counted).toEqual(expect.arrayContaining([['kafka', 1], ['rejected', 1]]));
  });

  it('refuses, without failing over, events Kafka refused as too large (the worker could not forward them either)', async () => {
    const kafka = new FakeKafka(async () => {
      throw new KafkaOperationError('message-too-large', 'MESSAGE_TOO_LARGE');
    });
    const stream = new FakeStream();
    const [outcome] = await make(kafka, stream).write('t', [event('a')]);
    expect(outcome).toMatchObject({ status: 'not-accepted', retriable: false, reason: expect.stringMatching(/too large/) });
    expect(stream.appended).toEqual([]);
  });

  it('answers not-accepted at once past its limit of bytes in flight', async () => {
    let release: (reports: DeliveryReport[]) => void = () => undefined;
    const kafka = new FakeKafka(() => new Promise((resolve) => (release = resolve)));
    const sink = make(kafka, new FakeStream(), { maxInFlightBytes: 150, breaker: { sendTimeoutMs: 5000 } });
    const first = sink.write('t', [event('a')]);
    const [second] = await sink.write('t', [event('b')]);
    expect(second).toMatchObject({ status: 'not-accepted', reason: expect.stringMatching(/150 bytes of events in flight/) });
    release([report(0, 1)]);
    expect(await first).toEqual([{ status: 'kafka', partition: 0, offset: '1' }]);
  });
});
