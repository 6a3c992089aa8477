import { canStartApacheKafka, testKafkaKind } from './test-kafka-kind';

describe('choosing the test Kafka', () => {
  it('is Apache Kafka unless told otherwise', () => {
    expect(testKafkaKind({})).toBe('apache');
    expect(testKafkaKind({ EVENTPATH_TEST_KAFKA: '' })).toBe('apache');
    expect(testKafkaKind({ EVENTPATH_TEST_KAFKA: 'dev' })).toBe('dev');
    expect(testKafkaKind({ EVENTPATH_TEST_KAFKA: 'external', EVENTPATH_TEST_KAFKA_BROKERS: 'k:9092' })).toBe('external');
  });

  it('refuses an unknown kind and an external cluster without brokers, naming the variable', () => {
    expect(() => testKafkaKind({ EVENTPATH_TEST_KAFKA: 'mock' })).toThrow(/EVENTPATH_TEST_KAFKA must be one of apache, dev, external \(got "mock"\)/);
    expect(() => testKafkaKind({ EVENTPATH_TEST_KAFKA: 'external' })).toThrow(/needs EVENTPATH_TEST_KAFKA_BROKERS/);
  });

  it('lets tests start Apache Kafka clusters of their own except in the no-Java mode', () => {
    expect(canStartApacheKafka({})).toBe(true);
    expect(canStartApacheKafka({ EVENTPATH_TEST_KAFKA: 'external', EVENTPATH_TEST_KAFKA_BROKERS: 'k:9092' })).toBe(true);
    expect(canStartApacheKafka({ EVENTPATH_TEST_KAFKA: 'dev' })).toBe(false);
  });
});
