import type { KafkaMessage } from 'kafkajs';
import { relayedMessage } from './relayed-message';

const record = (overrides: Partial<KafkaMessage> = {}): KafkaMessage =>
  ({
    key: Buffer.from('k'),
    value: Buffer.from('v'),
    timestamp: '1700000000123',
    attributes: 0,
    offset: '42',
    headers: { 'eventpath-event-id': Buffer.from('e-1'), tag: [Buffer.from('a'), Buffer.from('b')] },
    ...overrides,
  }) as KafkaMessage;

describe('relayedMessage', () => {
  it('keeps key, value, headers (repeated ones in order) and timestamp, and lets the key choose the partition', () => {
    const message = relayedMessage(record(), 3, 'key');
    expect(message).toEqual({
      key: Buffer.from('k'),
      value: Buffer.from('v'),
      timestamp: '1700000000123',
      headers: { 'eventpath-event-id': Buffer.from('e-1'), tag: [Buffer.from('a'), Buffer.from('b')] },
    });
    expect(message.partition).toBeUndefined();
  });

  it('keeps the partition number when asked to', () => {
    expect(relayedMessage(record(), 3, 'same-partition').partition).toBe(3);
  });

  it('keeps a tombstone a tombstone and an unkeyed record unkeyed', () => {
    const message = relayedMessage(record({ key: null, value: null }), 0, 'key');
    expect(message.key).toBeNull();
    expect(message.value).toBeNull();
  });

  it('does not share header arrays with the fetched record', () => {
    const source = record();
    const message = relayedMessage(source, 0, 'key');
    (message.headers?.tag as Buffer[]).push(Buffer.from('c'));
    expect((source.headers as Record<string, Buffer[]>).tag).toHaveLength(2);
  });
});
