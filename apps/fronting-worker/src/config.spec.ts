import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@eventpath/runtime';
import { parse } from 'yaml';
import { frontingWorkerEnvSchema, loadFrontingWorkerConfig } from './config';

const minimal = {
  FRONTING_KAFKA_BROKERS: 'fronting-1:9092,fronting-2:9092',
  MAINSTREAM_KAFKA_BROKERS: 'mainstream-1:9092',
  REDIS_URL: 'redis://redis:6379',
};

const problems = (env: Record<string, string>) => {
  try {
    loadFrontingWorkerConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('the configuration was accepted');
};

describe('fronting-worker configuration', () => {
  it('needs only the two clusters and Redis; everything else has a default', () => {
    const { env, fronting, mainstream } = loadFrontingWorkerConfig(minimal);
    expect(fronting.brokers).toEqual(['fronting-1:9092', 'fronting-2:9092']);
    expect(mainstream.brokers).toEqual(['mainstream-1:9092']);
    expect(env).toMatchObject({
      OPS_PORT: 9402,
      WORKER_GROUP_ID: 'eventpath-fronting-worker',
      WORKER_PARTITIONING: 'key',
      WORKER_UNKNOWN_TOPIC: 'dead-letter',
      WORKER_DEAD_LETTER_TOPIC: 'eventpath-dead-letter',
      WORKER_DEAD_LETTER_CLUSTER: 'fronting',
      DRAIN_ENABLED: true,
      DRAIN_TARGET: 'fronting',
      DRAIN_RATE_LIMIT: 5000,
      DRAIN_EVENT_ID_HEADER: 'eventpath-event-id',
    });
    expect(env.WORKER_INSTANCE_ID).toMatch(/-\d+$/);
    expect(env.WORKER_TOPICS.matches('events')).toBe(true);
    expect(env.WORKER_TOPICS.matches('__consumer_offsets')).toBe(false);
    expect(env.WORKER_TOPIC_MAP.target('events')).toBe('events');
  });

  it('reads topic lists, /regex/ selectors and topic maps', () => {
    const list = loadFrontingWorkerConfig({ ...minimal, WORKER_TOPICS: 'events,clicks', WORKER_TOPIC_MAP: 'events:events-v2' }).env;
    expect(list.WORKER_TOPICS.listed).toEqual(['events', 'clicks']);
    expect(list.WORKER_TOPIC_MAP.target('events')).toBe('events-v2');
    const regex = loadFrontingWorkerConfig({ ...minimal, WORKER_TOPICS: '/^orders-/' }).env;
    expect(regex.WORKER_TOPICS.matches('orders-eu')).toBe(true);
    expect(regex.WORKER_TOPICS.matches('events')).toBe(false);
  });

  it('names every wrong key at once, the clusters’ prefixed keys included', () => {
    const found = problems({
      FRONTING_KAFKA_BROKERS: 'fronting:9092',
      FRONTING_KAFKA_SASL_MECHANISM: 'plain',
      OPS_PORT: 'eighty',
      WORKER_TOPICS: '/(/',
      WORKER_TOPIC_MAP: 'events',
      WORKER_PARTITIONING: 'random',
      DRAIN_TARGET: 'archive',
      DRAIN_RATE_LIMIT: '-1',
      WORKER_DEAD_LETTER_TOPIC: 'dead letters',
    });
    const keys = found.map((p) => p.key).sort();
    expect(keys).toEqual(
      expect.arrayContaining([
        'DRAIN_RATE_LIMIT',
        'DRAIN_TARGET',
        'MAINSTREAM_KAFKA_BROKERS',
        'FRONTING_KAFKA_SASL_PASSWORD',
        'FRONTING_KAFKA_SASL_USERNAME',
        'OPS_PORT',
        'WORKER_DEAD_LETTER_TOPIC',
        'WORKER_PARTITIONING',
        'WORKER_TOPICS',
        'WORKER_TOPIC_MAP',
      ]),
    );
    const reason = (key: string) => found.find((p) => p.key === key)?.reason;
    expect(reason('WORKER_TOPICS')).toMatch(/not a valid regular expression.*\(got "\/\(\/"\)/);
    expect(reason('WORKER_TOPIC_MAP')).toMatch(/"events" is not a "fronting:mainstream" pair/);
    expect(reason('DRAIN_TARGET')).toMatch(/must be one of fronting, mainstream/);
    expect(reason('MAINSTREAM_KAFKA_BROKERS')).toBe('is required but not set');
  });

  it('checks the rules that span keys', () => {
    expect(problems({ FRONTING_KAFKA_BROKERS: 'f:9092', MAINSTREAM_KAFKA_BROKERS: 'm:9092' })).toEqual([
      { key: 'REDIS_URL', reason: 'is required while DRAIN_ENABLED is true' },
    ]);
    expect(() => loadFrontingWorkerConfig({ FRONTING_KAFKA_BROKERS: 'f:9092', MAINSTREAM_KAFKA_BROKERS: 'm:9092', DRAIN_ENABLED: 'false' })).not.toThrow();
    expect(problems({ ...minimal, WORKER_TOPICS: 'events,eventpath-dead-letter' }).map((p) => p.key)).toEqual(['WORKER_TOPICS']);
    expect(problems({ ...minimal, WORKER_RETRY_INITIAL_MS: '20000' }).map((p) => p.key)).toEqual(['WORKER_RETRY_INITIAL_MS']);
    expect(problems({ ...minimal, WORKER_HEARTBEAT_INTERVAL_MS: '30000' }).map((p) => p.key)).toEqual(['WORKER_HEARTBEAT_INTERVAL_MS']);
    expect(
      problems({ ...minimal, WORKER_DEAD_LETTER_CLUSTER: 'mainstream', WORKER_TOPIC_MAP: 'events:eventpath-dead-letter' }).map((p) => p.key),
    ).toEqual(['WORKER_TOPIC_MAP']);
  });

  it('treats an empty variable as unset', () => {
    expect(loadFrontingWorkerConfig({ ...minimal, WORKER_TOPICS: '', OPS_PORT: '' }).env.OPS_PORT).toBe(9402);
  });
});

describe('the example deployment configuration', () => {
  it('holds only keys the worker reads, and values it accepts', () => {
    const { data } = parse(readFileSync(join(__dirname, '..', 'deploy', 'kubernetes', 'configmap.yaml'), 'utf8')) as { data: Record<string, string> };
    const known = (key: string) => key in frontingWorkerEnvSchema.shape || /^(FRONTING|MAINSTREAM)_KAFKA_/.test(key);
    expect(Object.keys(data).filter((key) => !known(key))).toEqual([]);
    // REDIS_URL and WORKER_INSTANCE_ID come from the Secret and the pod's name.
    const { env } = loadFrontingWorkerConfig({ ...data, REDIS_URL: 'redis://redis:6379', WORKER_INSTANCE_ID: 'fronting-worker-0' });
    expect(env.WORKER_COMPRESSION).toBe('lz4');
  });
});
