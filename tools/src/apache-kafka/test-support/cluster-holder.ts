/**
 * Starts a 2-node Apache Kafka cluster, prints its java pids as one JSON line
 * and waits forever, so a test can SIGKILL this process and check that the
 * nodes do not outlive it.
 */
import { startApacheKafka } from '../start-apache-kafka';

void startApacheKafka({ brokers: 2 }).then(
  (cluster) => {
    process.stdout.write(`${JSON.stringify(cluster.nodes().map((node) => node.pid))}\n`);
    setInterval(() => undefined, 60_000);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
