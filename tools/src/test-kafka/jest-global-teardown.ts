/** Stops the Kafka the global setup started for the run. */
export default async function globalTeardown(): Promise<void> {
  await globalThis.__eventpathStopSharedKafka?.();
}
