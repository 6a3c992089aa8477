/**
 * Jest global setup of the relay's and the fronting-worker's tests: the
 * run's shared Kafka (what `useTestKafka()` returns: the tests' fronting
 * cluster) and a second Apache Kafka, the mainstream cluster of every test
 * that does not kill it (`useTestMainstream()`). Tests that kill, restart
 * or replace the mainstream cluster start one of their own.
 */
// Jest loads global setups outside its module resolver, so the workspace's
// path aliases do not resolve here: the tools are imported by path.
/* eslint-disable @nx/enforce-module-boundaries */
import { startApacheKafka } from '../../../../tools/src/apache-kafka/start-apache-kafka';
import { canStartApacheKafka } from '../../../../tools/src/test-kafka/test-kafka-kind';
import { SHARED_TEST_KAFKA_ENV, startSharedTestKafka } from '../../../../tools/src/test-kafka/use-test-kafka';
/* eslint-enable @nx/enforce-module-boundaries */
import { TEST_MAINSTREAM_ENV } from './test-mainstream-env';

declare global {
  var __eventpathStopSharedKafka: (() => Promise<void>) | undefined;
}

export default async function globalSetup(): Promise<void> {
  const [fronting, mainstream] = await Promise.all([
    startSharedTestKafka(),
    canStartApacheKafka() ? startApacheKafka({ brokers: 1 }) : Promise.resolve(undefined),
  ]);
  process.env[SHARED_TEST_KAFKA_ENV] = JSON.stringify(fronting.shared);
  if (mainstream) process.env[TEST_MAINSTREAM_ENV] = mainstream.bootstrap;
  // The shared teardown (tools/src/test-kafka/jest-global-teardown.ts) calls this.
  globalThis.__eventpathStopSharedKafka = async () => {
    await Promise.all([fronting.stop(), mainstream?.stop()]);
  };
}
