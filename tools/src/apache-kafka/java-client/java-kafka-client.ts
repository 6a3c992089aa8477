import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { findKafkaInstallation, repositoryRoot, type KafkaInstallation } from '../kafka-classpath';

const TOOL = join(__dirname, 'KafkaClientTool.java');
const run = promisify(execFile);

export type JavaCompression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

export interface JavaProducedRecord {
  key: string;
  partition: number;
  offset: number;
}

export interface JavaConsumedRecord {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

const compiled = new Map<string, Promise<string>>();

/**
 * The tool's class directory, compiled once per source and Kafka version
 * under `.cache/apache-kafka/java-client/` (javac beside the java in use).
 */
function compiledTool(installation: KafkaInstallation): Promise<string> {
  let dir = compiled.get(installation.version);
  if (!dir) {
    dir = (async () => {
      const source = await readFile(TOOL);
      const hash = createHash('sha256').update(installation.version).update('\0').update(source).digest('hex').slice(0, 16);
      const target = join(repositoryRoot(), '.cache', 'apache-kafka', 'java-client', hash);
      if (existsSync(join(target, 'KafkaClientTool.class'))) return target;
      const staging = `${target}.${process.pid}.tmp`;
      await mkdir(staging, { recursive: true });
      const javac = join(installation.java, '..', 'javac');
      await run(installation.java === 'java' ? 'javac' : javac, ['-cp', installation.classpath, '-d', staging, TOOL], { timeout: 120_000 });
      await rm(target, { recursive: true, force: true });
      await rename(staging, target).catch(async (error: NodeJS.ErrnoException) => {
        // Another process compiled it first.
        await rm(staging, { recursive: true, force: true });
        if (!existsSync(join(target, 'KafkaClientTool.class'))) throw error;
      });
      return target;
    })();
    compiled.set(installation.version, dir);
    dir.catch(() => compiled.delete(installation.version));
  }
  return dir;
}

async function runTool(args: string[]): Promise<unknown[]> {
  const installation = await findKafkaInstallation();
  const classes = await compiledTool(installation);
  const { stdout } = await run(
    installation.java,
    ['-Xmx256m', '-XX:TieredStopAtLevel=1', '-cp', `${classes}${delimiter}${installation.classpath}`, 'KafkaClientTool', ...args],
    { timeout: 90_000, maxBuffer: 64 << 20 },
  );
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as unknown);
}

/**
 * Apache Kafka's Java producer (kafka-clients, from the broker's classpath)
 * writes `count` records (key k<i>, value v<i>, header event-id=e<i>) with
 * acks=all and the given compression, as most production producers would.
 */
export async function produceWithJavaClient(
  bootstrap: string,
  topic: string,
  compression: JavaCompression,
  count: number,
): Promise<JavaProducedRecord[]> {
  return (await runTool(['produce', bootstrap, topic, compression, String(count)])) as JavaProducedRecord[];
}

/** Apache Kafka's Java consumer reads `count` records of `topic` from the beginning. */
export async function consumeWithJavaClient(bootstrap: string, topic: string, count: number): Promise<JavaConsumedRecord[]> {
  return (await runTool(['consume', bootstrap, topic, String(count)])) as JavaConsumedRecord[];
}
