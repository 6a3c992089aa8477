import { environmentKeysReadBy } from './app-config-keys';

describe('environmentKeysReadBy', () => {
  it('records the keys of every schema an app loads, its Kafka clusters included', () => {
    const gateway = environmentKeysReadBy('rest-gateway');
    expect(gateway).toEqual(expect.arrayContaining(['OPS_PORT', 'HTTP_PORT', 'REDIS_URL', 'GATEWAY_CONFIG', 'FRONTING_KAFKA_BROKERS', 'FRONTING_KAFKA_SASL_PASSWORD']));
    expect(gateway).not.toContain('MAINSTREAM_KAFKA_BROKERS');
    expect(environmentKeysReadBy('fronting-worker')).toEqual(expect.arrayContaining(['WORKER_TOPICS', 'FRONTING_KAFKA_BROKERS', 'MAINSTREAM_KAFKA_BROKERS']));
    expect(environmentKeysReadBy('archiver')).toEqual(expect.arrayContaining(['ARCHIVER_CONFIG', 'ARCHIVE_URL', 'GCS_API_ENDPOINT', 'MAINSTREAM_KAFKA_BROKERS', 'OPS_PORT']));
  });
});
