import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ConsumerConfig, KafkaConfig } from 'kafkajs';
import type { TopicPartitions } from '../at-least-once-consumer';

const CONSUMER_PROCESS = join(__dirname, 'consumer-process.ts');

export interface ConsumerProcessOptions {
  name: string;
  clientConfig: KafkaConfig;
  /** Plain (JSON) kafkajs consumer settings: functions such as assigners do not cross the process boundary. */
  consumerConfig: Omit<ConsumerConfig, 'groupId'>;
  groupId: string;
  topic: string;
  commitIntervalMs?: number;
  /** Only offsets below this are marked done. */
  doneBelow?: number;
  /** A fraction of the messages is held for `ms` before it is marked done. */
  hold?: { fraction: number; ms: number; seed?: number };
  /** Called for every line the process prints, as it is read. */
  onEvent?: (event: ConsumerProcessEvent) => void;
}

export type ConsumerProcessEvent =
  | { event: 'delivered'; partition: number; offsets: string[] }
  | { event: 'done'; partition: number; offset: string }
  | { event: 'assigned' | 'revoked'; assignment: TopicPartitions[] }
  | { event: 'error'; message: string };

/** A consumer-process.ts child and what it reported so far. */
export interface ConsumerProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** `partition/offset` of every delivered message, in delivery order. */
  readonly delivered: string[];
  /** Offsets delivered per partition, in delivery order. */
  readonly deliveredByPartition: Map<number, string[]>;
  readonly done: string[];
  readonly assignments: TopicPartitions[][];
  readonly errors: string[];
  /** Resolves once the process exited and its output was read. */
  readonly exited: Promise<void>;
  /** SIGKILL, then waits for the exit. */
  kill(): Promise<void>;
}

/**
 * The settings of `config` that can cross a process boundary as JSON: no
 * group id (the process gets it apart) and no functions (partition
 * assigners, retry callbacks). A group of one needs no special assigner,
 * not even on the dev broker.
 */
export function plainConsumerConfig(config: ConsumerConfig): Omit<ConsumerConfig, 'groupId'> {
  const plain: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key === 'groupId' || key === 'partitionAssigners' || typeof value === 'function') continue;
    if (key === 'retry' && value && typeof value === 'object') {
      plain[key] = Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v !== 'function'));
    } else plain[key] = value;
  }
  return plain as Omit<ConsumerConfig, 'groupId'>;
}

/** Spawns `consumer-process.ts` with these settings (see its header for the behaviour). */
export function startConsumerProcess(options: ConsumerProcessOptions): ConsumerProcess {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KAFKA_CLIENT_CONFIG: JSON.stringify(options.clientConfig),
    CONSUMER_CONFIG: JSON.stringify(options.consumerConfig),
    GROUP_ID: options.groupId,
    TOPIC: options.topic,
    COMMIT_INTERVAL_MS: String(options.commitIntervalMs ?? 100),
  };
  if (options.doneBelow !== undefined) env['DONE_BELOW'] = String(options.doneBelow);
  if (options.hold) {
    env['HOLD_FRACTION'] = String(options.hold.fraction);
    env['HOLD_MS'] = String(options.hold.ms);
    env['SEED'] = String(options.hold.seed ?? 1);
  }
  const child = spawn(process.execPath, ['--import', 'tsx', CONSUMER_PROCESS], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const running = {
    name: options.name,
    child,
    delivered: [] as string[],
    deliveredByPartition: new Map<number, string[]>(),
    done: [] as string[],
    assignments: [] as TopicPartitions[][],
    errors: [] as string[],
  };
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  lines.on('line', (line) => {
    let event: ConsumerProcessEvent;
    try {
      event = JSON.parse(line) as ConsumerProcessEvent;
    } catch {
      return; // not ours (a library printing to stdout)
    }
    if (event.event === 'delivered') {
      let list = running.deliveredByPartition.get(event.partition);
      if (!list) running.deliveredByPartition.set(event.partition, (list = []));
      for (const offset of event.offsets) {
        running.delivered.push(`${event.partition}/${offset}`);
        list.push(offset);
      }
    } else if (event.event === 'done') running.done.push(`${event.partition}/${event.offset}`);
    else if (event.event === 'assigned') running.assignments.push(event.assignment);
    else if (event.event === 'error') running.errors.push(event.message);
    options.onEvent?.(event);
  });
  const exited = new Promise<void>((resolve) => {
    let closed = 0;
    const settle = () => ++closed === 2 && resolve();
    child.once('exit', settle);
    lines.once('close', settle);
  });
  return {
    ...running,
    exited,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
