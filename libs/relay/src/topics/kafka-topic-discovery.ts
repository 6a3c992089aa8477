import type { Admin } from 'kafkajs';
import type { TopicSelector } from './topic-selector';

/**
 * The topics of a cluster a selector chooses, sorted, without those in
 * `exclude` (the dead-letter topic, which must never be relayed).
 */
export async function discoverKafkaTopics(admin: Admin, selector: TopicSelector, exclude: Iterable<string> = []): Promise<string[]> {
  const excluded = new Set(exclude);
  const topics = await admin.listTopics();
  return topics.filter((topic) => selector.matches(topic) && !excluded.has(topic)).sort();
}
