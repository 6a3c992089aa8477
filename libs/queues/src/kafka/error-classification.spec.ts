import { Kafka, KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { classifyKafkaError } from './error-classification';

const protocolError = (type: string, retriable: boolean) =>
  new KafkaJSProtocolError({ message: type, type, code: 0, retriable } as unknown as Error);

describe('classifyKafkaError', () => {
  it('looks through the wrappers kafkajs puts around the error that ended its retries', () => {
    const refused = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED');
    const exhausted = new KafkaJSNumberOfRetriesExceeded(refused, { retryCount: 1, retryTime: 100 });
    // kafkajs's retrier passes the cause as a second argument its type declarations leave out.
    const NonRetriable = KafkaJSNonRetriableError as unknown as new (e: Error, options: { cause: Error }) => Error;
    expect(classifyKafkaError(new NonRetriable(exhausted, { cause: exhausted }))).toBe('broker-unavailable');
  });

  it.each([
    ['MESSAGE_TOO_LARGE', false, 'message-too-large'],
    ['RECORD_LIST_TOO_LARGE', false, 'message-too-large'],
    ['TOPIC_AUTHORIZATION_FAILED', false, 'auth'],
    ['SASL_AUTHENTICATION_FAILED', false, 'auth'],
    ['LEADER_NOT_AVAILABLE', true, 'broker-unavailable'],
    ['NOT_ENOUGH_REPLICAS', true, 'broker-unavailable'],
    ['CONCURRENT_TRANSACTIONS', true, 'retriable'],
    ['INVALID_REQUIRED_ACKS', false, 'fatal'],
    ['UNKNOWN_TOPIC_OR_PARTITION', true, 'unknown-topic'],
    ['ILLEGAL_GENERATION', false, 'retriable'],
    ['UNKNOWN_MEMBER_ID', false, 'retriable'],
    ['REBALANCE_IN_PROGRESS', true, 'retriable'],
  ] as const)('classifies %s as %s', (type, retriable, kind) => {
    expect(classifyKafkaError(protocolError(type, retriable))).toBe(kind);
  });

  it('classifies a SASL handshake failure as auth and an unknown error as fatal', () => {
    const sasl = Object.assign(new Error('SASL PLAIN authentication failed'), { name: 'KafkaJSSASLAuthenticationError' });
    expect(classifyKafkaError(sasl)).toBe('auth');
    expect(classifyKafkaError(new Error('boom'))).toBe('fatal');
    expect(classifyKafkaError('not even an error')).toBe('fatal');
  });

  it('calls a send after disconnect() fatal, not retriable: retrying it can never succeed', async () => {
    // A producer that never connected is disconnected: kafkajs refuses the send before any I/O.
    const producer = new Kafka({ clientId: 'never-connected', brokers: ['127.0.0.1:1'] }).producer();
    const error = await producer.send({ topic: 't', messages: [{ value: 'x' }] }).catch((e: unknown) => e);
    expect((error as { retriable?: boolean }).retriable).toBe(true);
    expect(classifyKafkaError(error)).toBe('fatal');
  });
});
