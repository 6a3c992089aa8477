import { ApacheKafkaNotInstalledError, ApacheKafkaStartError } from './errors';
import { startApacheKafka } from './start-apache-kafka';

describe('Apache Kafka that cannot start', () => {
  it('fails with the reason and the tail of the broker log when a node exits during start-up', async () => {
    const started = Date.now();
    // Valid to the storage tool, fatal when the broker loads it.
    const failure = startApacheKafka({ config: { 'authorizer.class.name': 'org.example.NoSuchAuthorizer' } });
    await expect(failure).rejects.toThrow(ApacheKafkaStartError);
    await expect(failure).rejects.toThrow(/node 1 exited[\s\S]*last lines of the broker's log:[\s\S]*NoSuchAuthorizer/);
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 90_000);

  it('fails before starting anything when the storage tool refuses the configuration', async () => {
    const failure = startApacheKafka({ config: { 'num.network.threads': 'many' } });
    await expect(failure).rejects.toThrow(/formatting the log dir of node 1 failed[\s\S]*Invalid value many for configuration num\.network\.threads/);
  }, 60_000);

  it('says how to fetch a version that is not installed', async () => {
    await expect(startApacheKafka({ version: '0.0.1' })).rejects.toThrow(ApacheKafkaNotInstalledError);
    await expect(startApacheKafka({ version: '0.0.1' })).rejects.toThrow(/fetch-apache-kafka\.sh 0\.0\.1/);
  });
});
