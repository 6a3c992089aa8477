import { ConfigError, loadConfig } from '@eventpath/runtime';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafkaJsConfig } from './client-factory';
import { kafkaConfigSchema, loadKafkaClientSettings } from './kafka-config';

function problemsOf(run: () => unknown): Array<{ key: string; reason: string }> {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('Kafka client configuration', () => {
  it('reads one cluster per prefix with defaults, so an app can hold two clusters', () => {
    const env = { FRONTING_KAFKA_BROKERS: 'f1:9092,f2:9092', MAINSTREAM_KAFKA_BROKERS: 'm1:9092', MAINSTREAM_KAFKA_CLIENT_ID: 'worker' };
    const fronting = loadKafkaClientSettings('FRONTING_', env);
    const mainstream = loadKafkaClientSettings('MAINSTREAM_', env);
    expect(fronting).toEqual({
      brokers: ['f1:9092', 'f2:9092'],
      clientId: 'eventpath',
      ssl: undefined,
      sasl: undefined,
      connectionTimeoutMs: 1000,
      requestTimeoutMs: 30_000,
      retry: { retries: 5, initialRetryTimeMs: 300, maxRetryTimeMs: 30_000 },
    });
    expect(mainstream).toMatchObject({ brokers: ['m1:9092'], clientId: 'worker' });
  });

  it('names the exact prefixed key that is missing or wrong', () => {
    const problems = problemsOf(() =>
      loadKafkaClientSettings('FRONTING_', {
        FRONTING_KAFKA_SASL_MECHANISM: 'scram-sha-512',
        FRONTING_KAFKA_SASL_USERNAME: 'gateway',
        FRONTING_KAFKA_REQUEST_TIMEOUT_MS: 'soon',
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        { key: 'FRONTING_KAFKA_BROKERS', reason: 'is required but not set' },
        { key: 'FRONTING_KAFKA_REQUEST_TIMEOUT_MS', reason: expect.stringMatching(/^must be a number/) },
      ]),
    );
    // Cross-key rules run once every key is valid on its own.
    const sasl = problemsOf(() =>
      loadKafkaClientSettings('FRONTING_', { FRONTING_KAFKA_BROKERS: 'b:9092', FRONTING_KAFKA_SASL_MECHANISM: 'scram-sha-512', FRONTING_KAFKA_SASL_USERNAME: 'gw' }),
    );
    expect(sasl).toEqual([{ key: 'FRONTING_KAFKA_SASL_PASSWORD', reason: expect.stringMatching(/^is required/) }]);
    expect(problemsOf(() => loadKafkaClientSettings('', { KAFKA_BROKERS: 'b:9092', KAFKA_SASL_MECHANISM: 'kerberos' }))).toEqual([
      { key: 'KAFKA_SASL_MECHANISM', reason: expect.stringMatching(/^must be one of plain, scram-sha-256, scram-sha-512/) },
    ]);
    expect(problemsOf(() => loadKafkaClientSettings('', { KAFKA_BROKERS: 'b:9092', KAFKA_SSL_CA_FILE: '/ca.pem' }))).toEqual([
      { key: 'KAFKA_SSL_CA_FILE', reason: expect.stringMatching(/^needs KAFKA_SSL=true/) },
    ]);
    expect(problemsOf(() => loadKafkaClientSettings('', { KAFKA_BROKERS: 'b:9092', KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: '/c.pem' }))).toEqual([
      { key: 'KAFKA_SSL_KEY_FILE', reason: expect.stringMatching(/^is required/) },
    ]);
  });

  it('composes into an app schema through its shape', () => {
    const schema = kafkaConfigSchema('FRONTING_');
    expect(Object.keys(schema.shape)).toContain('FRONTING_KAFKA_SASL_MECHANISM');
    expect(loadConfig(schema, { FRONTING_KAFKA_BROKERS: 'b:1' }).FRONTING_KAFKA_BROKERS).toEqual(['b:1']);
  });

  it('turns settings into a kafkajs config with TLS files read, SASL and the retry policy', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kafka-tls-'));
    for (const name of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(dir, name), `-----${name}-----`);
    const settings = loadKafkaClientSettings('', {
      KAFKA_BROKERS: 'b:9093',
      KAFKA_CLIENT_ID: 'gateway',
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: join(dir, 'ca.pem'),
      KAFKA_SSL_CERT_FILE: join(dir, 'cert.pem'),
      KAFKA_SSL_KEY_FILE: join(dir, 'key.pem'),
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: 'u',
      KAFKA_SASL_PASSWORD: 'p',
      KAFKA_RETRIES: '0',
      KAFKA_REQUEST_TIMEOUT_MS: '5000',
    });
    expect(kafkaJsConfig(settings)).toMatchObject({
      clientId: 'gateway',
      brokers: ['b:9093'],
      requestTimeout: 5000,
      retry: { retries: 0, initialRetryTime: 300, maxRetryTime: 30_000 },
      ssl: { rejectUnauthorized: true, ca: ['-----ca.pem-----'], cert: '-----cert.pem-----', key: '-----key.pem-----' },
      sasl: { mechanism: 'plain', username: 'u', password: 'p' },
    });
  });
});
