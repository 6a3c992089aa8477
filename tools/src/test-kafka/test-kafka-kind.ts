/**
 * Which Kafka the integration tests run on, from `EVENTPATH_TEST_KAFKA`:
 *
 * - `apache` (default): Apache Kafka itself, started by the tests from the
 *   jars the project's setup resolved from Maven Central;
 * - `dev`: the dev broker (librdkafka's mock cluster), for a machine without
 *   Java; guarantees are not proven there;
 * - `external`: a cluster someone else runs, at `EVENTPATH_TEST_KAFKA_BROKERS`.
 */
export type TestKafkaKind = 'apache' | 'dev' | 'external';

export const TEST_KAFKA_KINDS: readonly TestKafkaKind[] = ['apache', 'dev', 'external'];

export function testKafkaKind(env: NodeJS.ProcessEnv = process.env): TestKafkaKind {
  const value = env['EVENTPATH_TEST_KAFKA']?.trim() || 'apache';
  if (!(TEST_KAFKA_KINDS as readonly string[]).includes(value)) {
    throw new Error(`EVENTPATH_TEST_KAFKA must be one of ${TEST_KAFKA_KINDS.join(', ')} (got ${JSON.stringify(value)})`);
  }
  if (value === 'external' && !env['EVENTPATH_TEST_KAFKA_BROKERS']?.trim()) {
    throw new Error('EVENTPATH_TEST_KAFKA=external needs EVENTPATH_TEST_KAFKA_BROKERS (comma-separated host:port)');
  }
  return value as TestKafkaKind;
}

/**
 * Whether tests that start Apache Kafka clusters of their own (to kill or
 * pause nodes) can run: everywhere but on `dev`, which means "no Java here".
 */
export function canStartApacheKafka(env: NodeJS.ProcessEnv = process.env): boolean {
  return testKafkaKind(env) !== 'dev';
}
