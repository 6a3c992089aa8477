import type { TestKafka } from '@eventpath/dev-infra';
import { eventually } from '@eventpath/dev-infra';
import { Kafka, type Admin } from 'kafkajs';

/** An admin client for reading committed offsets and watermarks. */
export async function testAdmin(kafka: TestKafka): Promise<Admin> {
  const admin = new Kafka(kafka.clientConfig(`archiver-test-admin-${Date.now()}`)).admin();
  await admin.connect();
  return admin;
}

/** Committed offset of `groupId` per partition (-1: none). */
export async function committedOffsets(admin: Admin, groupId: string, topic: string): Promise<Map<number, number>> {
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map((offsets?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
}

/** Waits until the group has committed every record of the topic. */
export async function waitUntilCommitted(admin: Admin, groupId: string, topic: string, timeoutMs = 90_000): Promise<void> {
  await eventually(
    async () => {
      const high = await admin.fetchTopicOffsets(topic);
      const committed = await committedOffsets(admin, groupId, topic);
      return high.every((p) => committed.get(p.partition) === Number(p.high));
    },
    timeoutMs,
    `group ${groupId} to commit all of ${topic}`,
  );
}
