import { TimePartitioner, TimestampSource, type TopicArchiveSettings } from '@eventpath/archive';
import { ConfigError, type ConfigProblem } from '@eventpath/runtime';
import type { TopicRule } from './archiver-config';

/** The topics an archiver archives, each with its settings and its consumer group. */
export interface ResolvedTopic {
  settings: TopicArchiveSettings;
  groupId: string;
  /** The `topics[i]` entry it came from. */
  rule: string;
}

/**
 * Matches the configured entries against the cluster's topics: a topic
 * listed by name must exist; a pattern takes every topic it matches that no
 * earlier entry took (internal `__` topics and the dead-letter topic never).
 * Throws ConfigError naming the entry when a listed topic is missing, a
 * topic is listed twice, or nothing is left to archive.
 */
export function resolveTopics(rules: TopicRule[], clusterTopics: string[], options: { exclude?: string[] } = {}): ResolvedTopic[] {
  const problems: ConfigProblem[] = [];
  const taken = new Map<string, string>();
  const resolved: ResolvedTopic[] = [];
  const available = new Set(clusterTopics);
  const excluded = new Set(options.exclude ?? []);
  for (const rule of rules) {
    const matches = rule.names
      ? rule.names.filter((name) => {
          if (!available.has(name)) {
            problems.push({ key: `${rule.path}.names`, reason: `topic ${JSON.stringify(name)} does not exist in the cluster` });
            return false;
          }
          const earlier = taken.get(name);
          if (earlier) {
            problems.push({ key: `${rule.path}.names`, reason: `topic ${JSON.stringify(name)} is already archived by ${earlier}` });
            return false;
          }
          return true;
        })
      : clusterTopics.filter((topic) => rule.pattern?.test(topic) && !topic.startsWith('__') && !excluded.has(topic) && !taken.has(topic)).sort();
    for (const topic of matches) {
      taken.set(topic, rule.path);
      resolved.push({ settings: topicArchiveSettings(topic, rule), groupId: rule.settings.groupId, rule: rule.path });
    }
  }
  if (problems.length === 0 && resolved.length === 0) problems.push({ key: 'topics', reason: 'no topic of the cluster matches any entry' });
  if (problems.length > 0) throw new ConfigError(problems);
  return resolved;
}

function topicArchiveSettings(topic: string, rule: TopicRule): TopicArchiveSettings {
  const s = rule.settings;
  return {
    topic,
    messageType: s.messageType,
    timestamp: new TimestampSource(
      s.timestamp === 'kafka'
        ? { kind: 'kafka' }
        : { kind: 'field', path: s.timestamp.field, ...(s.timestamp.unit ? { unit: s.timestamp.unit } : {}), ...(s.timestamp.whenMissing ? { whenMissing: s.timestamp.whenMissing } : {}) },
    ),
    partitioner: new TimePartitioner({ pattern: s.partitionPattern, timeZone: s.timeZone, windowMs: s.window }),
    graceMs: s.grace,
    lateEvents: s.lateEvents,
    maxFileBytes: s.maxFileSize,
    compression: s.compression,
    metadataColumns: s.metadataColumns,
    eventIdHeader: s.eventIdHeader,
    idleCloseMs: s.idleClose,
    maxFileAgeMs: s.maxFileAge,
    writer: s.writer,
  };
}
