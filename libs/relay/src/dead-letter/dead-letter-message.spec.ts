import { KafkaOperationError } from '@eventpath/queues';
import { DEAD_LETTER_HEADERS, deadLetterMessage } from './dead-letter-message';

describe('deadLetterMessage', () => {
  const refusal = {
    reason: 'message-too-large' as const,
    error: new KafkaOperationError('message-too-large', 'MESSAGE_TOO_LARGE'),
    targetCluster: 'mainstream',
    targetTopic: 'events-v2',
  };

  it('keeps the record and adds reason, target and Kafka origin headers', () => {
    const letter = deadLetterMessage(
      { key: 'k', value: 'v', partition: 5, timestamp: '1700000000000', headers: { 'eventpath-event-id': 'e-1' } },
      refusal,
      { kind: 'kafka', topic: 'events', partition: 5, offset: '1234' },
      1700000001000,
    );
    expect(letter.key).toBe('k');
    expect(letter.value).toBe('v');
    expect(letter.timestamp).toBe('1700000000000');
    expect(letter.partition).toBeUndefined();
    expect(letter.headers).toEqual({
      'eventpath-event-id': 'e-1',
      [DEAD_LETTER_HEADERS.reason]: 'message-too-large',
      [DEAD_LETTER_HEADERS.error]: 'message-too-large: MESSAGE_TOO_LARGE',
      [DEAD_LETTER_HEADERS.targetCluster]: 'mainstream',
      [DEAD_LETTER_HEADERS.targetTopic]: 'events-v2',
      [DEAD_LETTER_HEADERS.originTopic]: 'events',
      [DEAD_LETTER_HEADERS.originPartition]: '5',
      [DEAD_LETTER_HEADERS.originOffset]: '1234',
      [DEAD_LETTER_HEADERS.deadLetteredAt]: '1700000001000',
    });
  });

  it('names the stream entry and its delivery count for a drained event', () => {
    const letter = deadLetterMessage({ key: null, value: 'v' }, { ...refusal, reason: 'unknown-topic' }, {
      kind: 'failover-stream',
      stream: 'eventpath:failover:{events}',
      streamId: '1700000000000-3',
      deliveryCount: 4,
    });
    expect(letter.key).toBeNull();
    expect(letter.headers?.[DEAD_LETTER_HEADERS.reason]).toBe('unknown-topic');
    expect(letter.headers?.[DEAD_LETTER_HEADERS.originStream]).toBe('eventpath:failover:{events}');
    expect(letter.headers?.[DEAD_LETTER_HEADERS.originStreamId]).toBe('1700000000000-3');
    expect(letter.headers?.[DEAD_LETTER_HEADERS.deliveryCount]).toBe('4');
    expect(letter.headers?.[DEAD_LETTER_HEADERS.originTopic]).toBeUndefined();
  });
});
