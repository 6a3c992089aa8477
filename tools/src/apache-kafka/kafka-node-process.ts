import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { open, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { ApacheKafkaNodeError, ApacheKafkaStartError } from './errors';
import { kafkaMajorVersion, type KafkaInstallation } from './kafka-classpath';
import { log4j2Properties, log4jProperties, nodeProperties, type NodeAddress } from './node-properties';

export type NodeState = 'stopped' | 'running' | 'paused';

export interface NodeExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface KafkaNodeProcessOptions {
  installation: KafkaInstallation;
  /** The node's own directory: its config, its log, its data under `data/`. */
  dir: string;
  address: NodeAddress;
  cluster: NodeAddress[];
  /** Extra broker settings (server.properties keys). */
  config?: Record<string, string | number | boolean>;
  /** JVM options before the class name; default {@link DEFAULT_JVM_OPTIONS}. */
  jvmOptions?: string[];
}

/**
 * A small heap and a JIT that starts fast: a test node should be up in a few
 * seconds on two cores. Benchmarks that measure the broker pass their own.
 */
export const DEFAULT_JVM_OPTIONS = [
  '-Xms64m',
  '-Xmx384m',
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-XX:-UsePerfData',
  '-XX:+ExitOnOutOfMemoryError',
  '-Djava.awt.headless=true',
];

/**
 * Runs the java process behind the wrapper shell and kills it when the
 * wrapper's stdin closes: whoever started the node (a test, the dev stack)
 * may die by SIGKILL, and its pipe closing must not leave a broker behind.
 * Prints the java pid first, so signals go to java itself, and exits with
 * java's status.
 */
const WRAPPER_SCRIPT = [
  'exec 3<&0',
  '"$@" </dev/null >>"$KAFKA_NODE_LOG" 2>&1 &',
  'pid=$!',
  'echo "$pid"',
  '( cat <&3 >/dev/null 2>&1; kill -9 "$pid" 2>/dev/null ) >/dev/null 2>&1 &',
  'exec 3<&-',
  'wait "$pid"',
].join('\n');

const LOG_TAIL_LINES = 40;
const STOP_TIMEOUT_MS = 20_000;

/** One combined controller+broker KRaft node: a real `java` process. */
export class KafkaNodeProcess {
  readonly id: number;
  readonly logFile: string;
  readonly dataDir: string;
  private readonly propertiesFile: string;
  private wrapper: ChildProcessWithoutNullStreams | undefined;
  private javaPid: number | undefined;
  private exit: Promise<NodeExit> | undefined;
  private paused = false;

  constructor(private readonly options: KafkaNodeProcessOptions) {
    this.id = options.address.id;
    this.logFile = path.join(options.dir, 'server.log');
    this.dataDir = path.join(options.dir, 'data');
    this.propertiesFile = path.join(options.dir, 'server.properties');
  }

  get address(): NodeAddress {
    return this.options.address;
  }

  get state(): NodeState {
    if (!this.wrapper) return 'stopped';
    return this.paused ? 'paused' : 'running';
  }

  /** The java process's pid while it runs. */
  get pid(): number | undefined {
    return this.javaPid;
  }

  /** Resolves when the current run ends (immediately when stopped). */
  get exited(): Promise<NodeExit> {
    return this.exit ?? Promise.resolve({ code: null, signal: null });
  }

  /** Writes the node's configuration and formats its log dir for `clusterId` (once, before the first start). */
  async format(clusterId: string): Promise<void> {
    const { installation, address, cluster, config } = this.options;
    await writeFile(this.propertiesFile, nodeProperties(address, cluster, this.dataDir, config));
    await writeFile(path.join(this.options.dir, 'log4j.properties'), log4jProperties());
    await writeFile(path.join(this.options.dir, 'log4j2.properties'), log4j2Properties());
    const args = [
      ...this.loggingOptions(),
      '-Xmx256m',
      '-XX:TieredStopAtLevel=1',
      '-cp',
      installation.classpath,
      'kafka.tools.StorageTool',
      'format',
      '--ignore-formatted',
      '-t',
      clusterId,
      '-c',
      this.propertiesFile,
    ];
    try {
      await promisify(execFile)(installation.java, args, { maxBuffer: 4 << 20 });
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      throw new ApacheKafkaStartError(`formatting the log dir of node ${this.id} failed`, `${stdout}${stderr}`.trim());
    }
  }

  /** Starts the java process; resolves once it runs (not once it serves: see the cluster's readiness wait). */
  async start(): Promise<void> {
    if (this.wrapper) throw new ApacheKafkaNodeError(`node ${this.id} is already running`);
    const { installation } = this.options;
    const log = await open(this.logFile, 'a');
    await log.write(`\n==== node ${this.id} starting at ${new Date().toISOString()} ====\n`);
    await log.close();
    const javaArgs = [
      ...(this.options.jvmOptions ?? DEFAULT_JVM_OPTIONS),
      ...this.loggingOptions(),
      `-Dkafka.logs.dir=${this.options.dir}`,
      '-cp',
      installation.classpath,
      'kafka.Kafka',
      this.propertiesFile,
    ];
    const wrapper = spawn('sh', ['-c', WRAPPER_SCRIPT, 'kafka-node', installation.java, ...javaArgs], {
      env: { ...process.env, KAFKA_NODE_LOG: this.logFile },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    wrapper.stdin.on('error', () => undefined);
    wrapper.stderr.resume();
    const exit = new Promise<NodeExit>((resolve) =>
      wrapper.once('exit', (code, signal) => {
        if (this.wrapper === wrapper) {
          this.wrapper = undefined;
          this.javaPid = undefined;
          this.paused = false;
        }
        // The watcher exits with the pipe; the process is gone either way.
        wrapper.stdin.destroy();
        resolve({ code, signal });
      }),
    );
    const pid = await new Promise<number>((resolve, reject) => {
      const lines = createInterface({ input: wrapper.stdout });
      lines.once('line', (line) => {
        lines.close();
        resolve(Number(line));
      });
      wrapper.once('error', reject);
      void exit.then(() => reject(new ApacheKafkaStartError(`node ${this.id} could not be started`, '')));
    });
    this.wrapper = wrapper;
    this.javaPid = pid;
    this.exit = exit;
    this.paused = false;
  }

  /** SIGKILL: a crash. The log dir stays, as on a real machine. */
  async kill(): Promise<void> {
    await this.signalAndWait('SIGKILL');
  }

  /** SIGTERM, a clean shutdown (SIGKILL if it takes longer than 20 s). */
  async stop(): Promise<void> {
    if (!this.wrapper) return;
    if (this.paused) this.signal('SIGCONT');
    const timer = setTimeout(() => this.signal('SIGKILL'), STOP_TIMEOUT_MS);
    await this.signalAndWait('SIGTERM');
    clearTimeout(timer);
  }

  /** SIGSTOP: a hung broker. Connections stay open and requests go unanswered. */
  pause(): void {
    this.requireRunning('pause');
    this.signal('SIGSTOP');
    this.paused = true;
  }

  /** SIGCONT after {@link pause}. */
  resume(): void {
    if (!this.wrapper || !this.paused) throw new ApacheKafkaNodeError(`node ${this.id} is not paused`);
    this.signal('SIGCONT');
    this.paused = false;
  }

  /** The last lines of the node's log, for error messages. */
  async logTail(lines = LOG_TAIL_LINES): Promise<string> {
    const text = await readFile(this.logFile, 'utf8').catch(() => '');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  }

  private loggingOptions(): string[] {
    return kafkaMajorVersion(this.options.installation.version) >= 4
      ? [`-Dlog4j2.configurationFile=${path.join(this.options.dir, 'log4j2.properties')}`]
      : [`-Dlog4j.configuration=file:${path.join(this.options.dir, 'log4j.properties')}`];
  }

  private requireRunning(what: string): void {
    if (!this.wrapper) throw new ApacheKafkaNodeError(`cannot ${what} node ${this.id}: it is not running`);
  }

  private signal(signal: NodeJS.Signals): void {
    if (this.javaPid === undefined) return;
    try {
      process.kill(this.javaPid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }

  private async signalAndWait(signal: NodeJS.Signals): Promise<void> {
    const wrapper = this.wrapper;
    if (!wrapper) return;
    const exited = this.exited;
    this.signal(signal);
    await exited;
  }
}
