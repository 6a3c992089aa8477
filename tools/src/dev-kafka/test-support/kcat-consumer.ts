import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { eventually } from '../../test-support';

export const KCAT = '/usr/bin/kcat';

/** A kcat consumer group member: librdkafka's own consumer, next to kafkajs members. */
export interface KcatConsumer {
  readonly child: ChildProcessWithoutNullStreams;
  /** Message payloads, one per line. */
  readonly messages: string[];
  /** kcat's group events and errors (`% Group g rebalanced …: assigned: t [0]`, `% ERROR: …`). */
  readonly events: string[];
  waitForEvent(pattern: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

/**
 * `kcat -G group topic` with the given `partition.assignment.strategy` (kcat's default is
 * `range,roundrobin`) and the short session timeout the mock needs for quick rebalances.
 */
export function startKcatConsumer(bootstrap: string, group: string, topic: string, strategy: string): KcatConsumer {
  const child = spawn(KCAT, [
    // Unbuffered: each message line reaches the pipe at once.
    '-u',
    '-b',
    bootstrap,
    '-G',
    group,
    '-X',
    `partition.assignment.strategy=${strategy}`,
    '-X',
    'session.timeout.ms=6000',
    '-X',
    'heartbeat.interval.ms=500',
    '-X',
    'auto.offset.reset=earliest',
    topic,
  ]);
  const messages: string[] = [];
  const events: string[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => messages.push(line));
  createInterface({ input: child.stderr }).on('line', (line) => events.push(line));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return {
    child,
    messages,
    events,
    waitForEvent: (pattern, timeoutMs = 30_000) =>
      eventually(() => events.find((line) => pattern.test(line)), timeoutMs, `kcat (${group}) to log ${pattern}`),
    stop: async () => {
      child.kill('SIGTERM');
      await closed;
    },
  };
}
