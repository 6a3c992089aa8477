import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { CommandChannel } from './command-channel';
import { devKafkaControl, type DevKafkaControl } from './dev-kafka-control';
import { DevKafkaStartError } from './errors';
import { ensureLauncherBinary, type LauncherBinaryOptions } from './launcher-binary';
import { explainLauncherExit } from './launcher-crash';
import { parseTopicSpec, type TopicSpec } from './topic-spec';

export interface StartDevKafkaOptions {
  /** Number of brokers, ids 1..n. Default 1. */
  brokers?: number;
  /** Topics to create before any client can connect (`{ name, partitions }` or `'name:partitions'`). */
  topics?: Array<TopicSpec | string>;
  /** Also take commands on this TCP port of 127.0.0.1; 0 picks a free port. Default: no control port. */
  controlPort?: number;
  /** How long the launcher may take to report ready. Default 10 s. */
  readyTimeoutMs?: number;
  /** Receives librdkafka's log output; by default only its tail is kept, for error messages. */
  onLog?: (text: string) => void;
  /** Where and with what the launcher is compiled. */
  launcher?: LauncherBinaryOptions;
}

export interface DevKafkaBrokerNode {
  id: number;
  host: string;
  port: number;
}

export interface DevKafka extends DevKafkaControl {
  /** `host:port` of every broker, in broker id order. */
  readonly brokers: string[];
  readonly brokerNodes: DevKafkaBrokerNode[];
  /** The brokers as one comma-separated bootstrap list. */
  readonly bootstrap: string;
  /** The launcher process, for tests that crash the broker itself. */
  readonly pid: number;
  /** Set when started with `controlPort`; see `connectDevKafkaControl`. */
  readonly controlPort?: number;
  /** Resolves when the launcher has exited, whoever ended it. */
  readonly exited: Promise<LauncherExit>;
  /** Stops the broker and waits for the launcher to exit. Idempotent. */
  stop(): Promise<void>;
}

export interface LauncherExit {
  /** 0 after `stop()` or a `quit` command. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Why librdkafka's mock cluster aborted (SIGABRT), read from the launcher's stderr. */
  reason?: string;
}

interface ReadyLine {
  ready: true;
  bootstrap: string;
  brokers: DevKafkaBrokerNode[];
  controlPort?: number;
}

const STDERR_TAIL_CHARS = 8192;
const STOP_TIMEOUT_MS = 5000;

/** Starts a dev Kafka cluster (librdkafka's mock cluster) in a child process. */
export async function startDevKafka(options: StartDevKafkaOptions = {}): Promise<DevKafka> {
  const binary = await ensureLauncherBinary(options.launcher);
  const child = spawn(binary, launcherArgs(options), { stdio: ['pipe', 'pipe', 'pipe'] });
  const stderr = collectStderr(child, options.onLog);
  const exited = new Promise<LauncherExit>((resolve) =>
    child.once('close', (code, signal) => {
      const reason = explainLauncherExit({ code, signal }, stderr());
      resolve({ code, signal, ...(reason !== undefined && { reason }) });
    }),
  );
  // Writing to a launcher that died fails with EPIPE; the exit is reported
  // through `exited` and the commands' rejections instead.
  child.stdin.on('error', () => undefined);

  const channel = new CommandChannel((line) => child.stdin.write(line));
  const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
  lines.on('close', () => channel.close());

  const ready = await waitForReady(child, lines, exited, stderr, options.readyTimeoutMs ?? 10_000);
  lines.on('line', (line) => channel.receive(line));

  const brokerNodes = [...ready.brokers].sort((a, b) => a.id - b.id);
  let stopping: Promise<void> | undefined;
  return {
    ...devKafkaControl(channel),
    brokers: brokerNodes.map(({ host, port }) => `${host}:${port}`),
    brokerNodes,
    bootstrap: ready.bootstrap,
    pid: child.pid as number,
    controlPort: ready.controlPort,
    exited,
    stop: () => (stopping ??= stop(child, exited)),
  };
}

function launcherArgs(options: StartDevKafkaOptions): string[] {
  const args = ['--brokers', String(options.brokers ?? 1)];
  for (const { name, partitions } of (options.topics ?? []).map(parseTopicSpec)) {
    args.push('--topic', `${name}:${partitions}`);
  }
  if (options.controlPort !== undefined) args.push('--control-port', String(options.controlPort));
  return args;
}

/** Keeps the last few KiB of the launcher's stderr for error messages. */
function collectStderr(child: ChildProcessWithoutNullStreams, onLog?: (text: string) => void): () => string {
  let tail = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    onLog?.(text);
    tail = (tail + text).slice(-STDERR_TAIL_CHARS);
  });
  return () => tail.trimEnd();
}

function waitForReady(
  child: ChildProcessWithoutNullStreams,
  lines: ReturnType<typeof createInterface>,
  exited: Promise<LauncherExit>,
  stderr: () => string,
  timeoutMs: number,
): Promise<ReadyLine> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = () => {
      settled = true;
      clearTimeout(timer);
      lines.off('line', onLine);
    };
    const fail = (reason: string) => {
      if (settled) return;
      settle();
      child.kill('SIGKILL');
      reject(new DevKafkaStartError(reason, stderr()));
    };
    const onLine = (line: string) => {
      if (settled) return;
      const ready = parseReadyLine(line);
      if (!ready) {
        fail(`launcher wrote an unexpected first line: ${line}`);
        return;
      }
      settle();
      resolve(ready);
    };
    const timer = setTimeout(() => fail(`launcher did not report ready within ${timeoutMs} ms`), timeoutMs);
    lines.on('line', onLine);
    // 'error': the binary could not be run. Once started, `fail` ignores it.
    child.on('error', (error) => fail(`cannot run the launcher: ${error.message}`));
    // `close` comes after the end of stderr, so the error carries all of it.
    void exited.then(({ code, signal }) =>
      fail(`launcher exited (code ${code}, signal ${signal}) before reporting ready`),
    );
  });
}

function parseReadyLine(line: string): ReadyLine | undefined {
  try {
    const parsed = JSON.parse(line) as Partial<ReadyLine> | null;
    return parsed?.ready === true ? (parsed as ReadyLine) : undefined;
  } catch {
    return undefined;
  }
}

async function stop(child: ChildProcessWithoutNullStreams, exited: Promise<LauncherExit>): Promise<void> {
  // EOF on stdin is the launcher's signal to exit cleanly.
  child.stdin.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
