import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { findFreePort } from '../redis/free-port';
import { ApacheKafkaNodeError, ApacheKafkaStartError } from './errors';
import { findKafkaInstallation } from './kafka-classpath';
import { KafkaNodeProcess, type NodeState } from './kafka-node-process';
import { KAFKA_HOST, type NodeAddress } from './node-properties';
import { parseApacheTopicSpec, type ApacheTopicSpec } from './apache-topic-spec';
import { createTopic, describeTopic, type TopicDescription } from './topic-admin';

export interface StartApacheKafkaOptions {
  /** Number of combined controller+broker nodes, ids 1..n, in one KRaft quorum. Default 1. */
  brokers?: number;
  /** Topics to create once the cluster is up (`{ name, partitions, replicationFactor?, config? }` or `'name:partitions[:replication]'`). */
  topics?: Array<ApacheTopicSpec | string>;
  /** Broker settings (server.properties keys) for every node, over the fast test defaults. */
  config?: Record<string, string | number | boolean>;
  /** Kafka release; default `EVENTPATH_KAFKA_VERSION` or `tools/setup/apache-kafka-version`. */
  version?: string;
  /** Where the nodes keep config, logs and data; a fresh temp dir by default, removed by `stop()`. */
  dir?: string;
  /** How long all nodes may take to answer metadata. Default 90 s. */
  readyTimeoutMs?: number;
  /** JVM options for the broker processes (heap, GC, JIT). */
  jvmOptions?: string[];
}

export interface ApacheKafkaNode {
  id: number;
  host: string;
  port: number;
  /** The java process, while it runs. */
  pid: number | undefined;
  state: NodeState;
  /** The node's server log. */
  logFile: string;
}

export interface ApacheKafka {
  readonly kind: 'apache';
  readonly version: string;
  /** `host:port` of every node, in id order. */
  readonly brokers: string[];
  /** The nodes as one comma-separated bootstrap list. */
  readonly bootstrap: string;
  readonly dir: string;
  nodes(): ApacheKafkaNode[];
  /** SIGKILL of one node: a crash. Its log dir stays for `restart`. */
  kill(id: number): Promise<void>;
  /** Starts a stopped or killed node on the same ports and log dir, and waits until it serves metadata again. */
  restart(id: number): Promise<void>;
  /** SIGSTOP: a hung node (connections stay open, nothing answers). */
  pause(id: number): void;
  /** SIGCONT after `pause`. */
  resume(id: number): void;
  createTopic(name: string, partitions: number, replicationFactor?: number, config?: Record<string, string>): Promise<void>;
  describeTopic(name: string): Promise<TopicDescription>;
  /** Stops every node and removes the temp dir it made. Idempotent. */
  stop(): Promise<void>;
}

const POLL_MS = 200;

/**
 * Starts an Apache Kafka cluster in KRaft mode (no ZooKeeper): `brokers`
 * combined controller+broker nodes, each a real `java` process on free ports
 * with its own log dir, from the jars `npm run setup` resolved from Maven
 * Central. Resolves once every node answers metadata and lists all nodes,
 * and the topics exist with leaders.
 */
export async function startApacheKafka(options: StartApacheKafkaOptions = {}): Promise<ApacheKafka> {
  const count = options.brokers ?? 1;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`brokers must be a positive integer, got ${count}`);
  const topics = (options.topics ?? []).map(parseApacheTopicSpec);
  const installation = await findKafkaInstallation(options.version);
  const ownsDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(path.join(tmpdir(), 'eventpath-kafka-')));
  const readyTimeoutMs = options.readyTimeoutMs ?? 90_000;

  const addresses: NodeAddress[] = [];
  for (let id = 1; id <= count; id++) {
    addresses.push({ id, port: await findFreePort(), controllerPort: await findFreePort() });
  }
  const nodes = new Map<number, KafkaNodeProcess>();
  for (const address of addresses) {
    const nodeDir = path.join(dir, `node-${address.id}`);
    await mkdir(nodeDir, { recursive: true });
    nodes.set(
      address.id,
      new KafkaNodeProcess({ installation, dir: nodeDir, address, cluster: addresses, config: options.config, jvmOptions: options.jvmOptions }),
    );
  }
  const brokers = addresses.map((a) => `${KAFKA_HOST}:${a.port}`);
  const bootstrap = brokers.join(',');
  let admin: Admin | undefined;
  let stopping: Promise<void> | undefined;

  const stopAll = async () => {
    await admin?.disconnect().catch(() => undefined);
    // A temp cluster has nothing worth a clean shutdown; a kept dir gets one.
    await Promise.all([...nodes.values()].map((node) => (ownsDir ? node.kill() : node.stop())));
    if (ownsDir) await rm(dir, { recursive: true, force: true });
  };

  try {
    const clusterId = newClusterId();
    await Promise.all([...nodes.values()].map((node) => node.format(clusterId)));
    await Promise.all([...nodes.values()].map((node) => node.start()));
    await waitUntilServing([...nodes.values()], brokers, count, readyTimeoutMs);
    admin = await connectAdmin(bootstrap);
    await warmUpGroupCoordinator(admin);
    for (const topic of topics) {
      await createTopic(admin, topic.name, topic.partitions, topic.replicationFactor ?? Math.min(count, 3), topic.config);
    }
  } catch (error) {
    await stopAll();
    throw error;
  }

  const node = (id: number): KafkaNodeProcess => {
    const found = nodes.get(id);
    if (!found) throw new ApacheKafkaNodeError(`no node ${id}: this cluster has nodes 1..${count}`);
    return found;
  };
  const connectedAdmin = async () => (admin ??= await connectAdmin(bootstrap));

  return {
    kind: 'apache',
    version: installation.version,
    brokers,
    bootstrap,
    dir,
    nodes: () =>
      [...nodes.values()].map((n) => ({
        id: n.id,
        host: KAFKA_HOST,
        port: n.address.port,
        pid: n.pid,
        state: n.state,
        logFile: n.logFile,
      })),
    kill: async (id) => node(id).kill(),
    restart: async (id) => {
      const target = node(id);
      if (target.state !== 'stopped') await target.kill();
      await target.start();
      await waitUntilServing([target], [`${KAFKA_HOST}:${target.address.port}`], undefined, readyTimeoutMs, id);
    },
    pause: (id) => node(id).pause(),
    resume: (id) => node(id).resume(),
    createTopic: async (name, partitions, replicationFactor = Math.min(count, 3), config) =>
      createTopic(await connectedAdmin(), name, partitions, replicationFactor, config),
    describeTopic: async (name) => describeTopic(await connectedAdmin(), name),
    stop: () => (stopping ??= stopAll()),
  };
}

/** A KRaft cluster id: 16 random bytes, URL-safe base64 without padding (Kafka's `Uuid`). */
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function quietKafka(brokers: string[]): Kafka {
  return new Kafka({
    clientId: 'eventpath-apache-kafka-launcher',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    retry: { retries: 0 },
  });
}

/**
 * Polls metadata until it lists `expectedCount` nodes (or node `mustList`)
 * with a controller. Fails at once, with the log's tail, when a node exits.
 */
async function waitUntilServing(
  nodes: KafkaNodeProcess[],
  brokers: string[],
  expectedCount: number | undefined,
  timeoutMs: number,
  mustList?: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'no answer yet';
  let exited: KafkaNodeProcess | undefined;
  for (const node of nodes) void node.exited.then(() => (exited ??= node));
  while (Date.now() < deadline) {
    if (exited) {
      const { code, signal } = await exited.exited;
      throw new ApacheKafkaStartError(
        `Kafka node ${exited.id} exited (code ${code}, signal ${signal}) before it was ready; log: ${exited.logFile}`,
        await exited.logTail(),
      );
    }
    const admin = quietKafka(brokers).admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      const ids = cluster.brokers.map((b) => b.nodeId);
      const complete = mustList !== undefined ? ids.includes(mustList) : ids.length === expectedCount;
      if (complete && cluster.controller !== null && cluster.controller >= 0) return;
      lastProblem = `metadata lists nodes [${ids.join(', ')}], controller ${cluster.controller}`;
    } catch (error) {
      lastProblem = (error as Error).message;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  const tails = await Promise.all(nodes.map(async (n) => `--- node ${n.id} (${n.logFile})\n${await n.logTail(15)}`));
  throw new ApacheKafkaStartError(
    `Kafka did not answer metadata for ${mustList !== undefined ? `node ${mustList}` : `all ${expectedCount} nodes`} within ${timeoutMs} ms (last: ${lastProblem})`,
    tails.join('\n'),
  );
}

/**
 * Looks up a group's coordinator once, which makes the cluster create and
 * load __consumer_offsets now: otherwise the first consumer group of a test
 * meets "the coordinator is loading" and kafkajs restarts it seconds later.
 */
async function warmUpGroupCoordinator(admin: Admin): Promise<void> {
  await admin.describeGroups(['eventpath-warm-up']);
}

async function connectAdmin(bootstrap: string): Promise<Admin> {
  const admin = new Kafka({
    clientId: 'eventpath-apache-kafka-launcher',
    brokers: bootstrap.split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 1000 },
  }).admin();
  await admin.connect();
  return admin;
}
