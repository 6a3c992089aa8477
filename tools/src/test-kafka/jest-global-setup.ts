/**
 * Jest global setup of the projects whose integration tests need Kafka: one
 * Kafka of the chosen kind for the whole run (every test file and worker),
 * so the suite does not pay a broker start per file. Workers find it through
 * an environment variable; see `useTestKafka`.
 */
import { SHARED_TEST_KAFKA_ENV, startSharedTestKafka } from './use-test-kafka';

declare global {
  var __eventpathStopSharedKafka: (() => Promise<void>) | undefined;
}

export default async function globalSetup(): Promise<void> {
  const { shared, stop } = await startSharedTestKafka();
  process.env[SHARED_TEST_KAFKA_ENV] = JSON.stringify(shared);
  globalThis.__eventpathStopSharedKafka = stop;
}
