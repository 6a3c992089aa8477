import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { ApacheKafkaNotInstalledError } from './errors';

/** The repository root: the nearest ancestor of this file holding nx.json. */
export function repositoryRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'nx.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no nx.json above ${__dirname}`);
  }
}

/**
 * The Kafka version tests and the dev stack run: `EVENTPATH_KAFKA_VERSION`,
 * else the one pinned in `tools/setup/apache-kafka-version`.
 */
export function defaultKafkaVersion(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env['EVENTPATH_KAFKA_VERSION']?.trim();
  if (fromEnv) return fromEnv;
  return readFileSync(path.join(repositoryRoot(), 'tools', 'setup', 'apache-kafka-version'), 'utf8').trim();
}

/** Major version of a release such as `3.9.2`. */
export function kafkaMajorVersion(version: string): number {
  return Number.parseInt(version.split('.')[0] ?? '', 10);
}

export interface KafkaInstallation {
  version: string;
  /** The `-cp` argument: every jar the broker needs. */
  classpath: string;
  /** The `java` to run. */
  java: string;
}

/**
 * Finds the jars that `tools/setup/fetch-apache-kafka.sh` resolved from Maven
 * Central for `version`, and a `java` to run them, with a message saying how
 * to get whichever is missing.
 */
export async function findKafkaInstallation(version = defaultKafkaVersion()): Promise<KafkaInstallation> {
  const java = process.env['JAVA_HOME'] ? path.join(process.env['JAVA_HOME'], 'bin', 'java') : 'java';
  await assertJavaRuns(java);
  const libDir = path.join(repositoryRoot(), '.cache', 'apache-kafka', version, 'lib');
  const jars = existsSync(path.join(libDir, '..', '.complete'))
    ? (await readdir(libDir)).filter((name) => name.endsWith('.jar'))
    : [];
  if (!jars.some((name) => name.startsWith('kafka_2.13-'))) {
    throw new ApacheKafkaNotInstalledError(
      `Apache Kafka ${version} is not in ${libDir}. Fetch it from Maven Central with ` +
        `\`bash tools/setup/fetch-apache-kafka.sh ${version}\` (\`npm run setup\` fetches the default version), ` +
        'or run the tests on the dev broker: EVENTPATH_TEST_KAFKA=dev',
    );
  }
  return { version, java, classpath: jars.map((name) => path.join(libDir, name)).join(path.delimiter) };
}

const javaChecks = new Map<string, Promise<void>>();

function assertJavaRuns(java: string): Promise<void> {
  let check = javaChecks.get(java);
  if (!check) {
    check = promisify(execFile)(java, ['-version']).then(
      () => undefined,
      (error: NodeJS.ErrnoException) => {
        javaChecks.delete(java);
        throw new ApacheKafkaNotInstalledError(
          `cannot run ${java} (${error.code ?? error.message}): Apache Kafka needs Java 17 or later ` +
            '(Debian: apt-get install -y openjdk-17-jre-headless), or run the tests on the dev broker: EVENTPATH_TEST_KAFKA=dev',
        );
      },
    );
    javaChecks.set(java, check);
  }
  return check;
}
