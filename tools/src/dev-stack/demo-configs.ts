import { readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { ORDER_PLACED, PAGE_VIEWED, SAMPLE_PROTO_DIR } from '../load/sample-schema';
/** The archiver configuration with the demo's one-minute window. */
export const DEMO_ARCHIVER_CONFIG = 'apps/archiver/example/archiver.dev.yaml';

/** The demo's topics with a schema, as the gateway and the archiver map them. */
export const DEMO_TOPICS = [
  { name: 'events', partitions: 8, messageType: PAGE_VIEWED },
  { name: 'orders', partitions: 4, messageType: ORDER_PLACED },
] as const;

/** The fronting-worker's dead-letter topic (its default WORKER_DEAD_LETTER_TOPIC), which must exist. */
export const DEAD_LETTER_TOPIC = 'eventpath-dead-letter';

/**
 * Every topic to create in both clusters (`name:partitions`): the demo's,
 * the dead-letter topic, and `extra` (a name given twice takes the later
 * partition count).
 */
export function demoTopicSpecs(extra: string[]): string[] {
  const byName = new Map<string, string>();
  for (const spec of [...DEMO_TOPICS.map((topic) => `${topic.name}:${topic.partitions}`), `${DEAD_LETTER_TOPIC}:1`, ...extra]) {
    byName.set(topicNameOf(spec), spec);
  }
  return [...byName.values()];
}

/** `events:8` → `events`. */
export function topicNameOf(spec: string): string {
  return spec.slice(0, spec.lastIndexOf(':'));
}

export interface DemoConfigFiles {
  /** GATEWAY_CONFIG: every topic listed; the demo topics mapped to their protobuf type. */
  gateway: string;
  /** ARCHIVER_CONFIG: archiver.dev.yaml with its work directory and schema location for this run. */
  archiver: string;
}

/**
 * Writes the gateway's and the archiver's configuration files into
 * `dataDir`. `topicNames` are the gateway's topics besides the demo's (values
 * stored as sent, not archived).
 */
export async function writeDemoConfigs(repoRoot: string, dataDir: string, topicNames: string[]): Promise<DemoConfigFiles> {
  const protoDir = resolve(repoRoot, SAMPLE_PROTO_DIR);
  const topics: Record<string, { messageType: string } | null> = {};
  for (const topic of DEMO_TOPICS) topics[topic.name] = { messageType: topic.messageType };
  for (const name of topicNames) if (!(name in topics) && name !== DEAD_LETTER_TOPIC) topics[name] = null;
  const gateway = join(dataDir, 'gateway.yaml');
  await writeFile(gateway, stringify({ topics, schemas: { sources: [{ name: 'example', location: protoDir }], pollIntervalMs: 10_000 } }));

  const source = resolve(repoRoot, DEMO_ARCHIVER_CONFIG);
  const config = parse(await readFile(source, 'utf8')) as {
    archive: Record<string, unknown>;
    schemas: { sources: Array<{ location: string }> };
  };
  config.archive['workDirectory'] = join(dataDir, 'archiver-work');
  for (const entry of config.schemas.sources) {
    if (!isAbsolute(entry.location) && !/^[a-z]+:\/\//.test(entry.location)) entry.location = resolve(dirname(source), entry.location);
  }
  const archiver = join(dataDir, 'archiver.yaml');
  await writeFile(archiver, `# Written by the dev stack from ${DEMO_ARCHIVER_CONFIG}; edit that file instead.\n${stringify(config)}`);
  return { gateway, archiver };
}
