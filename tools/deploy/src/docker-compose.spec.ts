import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { environmentKeysReadBy } from './config/app-config-keys';
import { DEPLOYED_APPS, REPO_ROOT } from './deployed-apps';
import { readDockerStages, variablesReadByStartCommand } from './dockerfile/dockerfile-stages';

// Static checks of the root docker-compose.yml (no Docker daemon here): it parses, its
// infrastructure is what the apps need, the apps are built from their Dockerfiles, and every
// variable given to an app is one it reads, pointing at a service of the file.

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[] | string;
  environment?: Record<string, string | number>;
  depends_on?: string[] | Record<string, { condition: string }>;
  ports?: string[];
}

const compose = parseYaml(readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
const services = compose.services;
const env = (service: ComposeService) => Object.fromEntries(Object.entries(service.environment ?? {}).map(([key, value]) => [key, String(value)]));
const kafkaServices = Object.entries(services).filter(([, service]) => service.image?.startsWith('apache/kafka:') && env(service)['KAFKA_PROCESS_ROLES']);

describe('docker-compose.yml', () => {
  it('runs two single-node KRaft Apache Kafka clusters, each its own controller', () => {
    expect(kafkaServices.map(([name]) => name).sort()).toEqual(['kafka-fronting', 'kafka-mainstream']);
    for (const [name, service] of kafkaServices) {
      const settings = env(service);
      expect({ name, roles: settings['KAFKA_PROCESS_ROLES'], voters: settings['KAFKA_CONTROLLER_QUORUM_VOTERS'] }).toEqual({ name, roles: 'broker,controller', voters: `1@${name}:9093` });
      expect(settings['KAFKA_ADVERTISED_LISTENERS']).toContain(`PLAINTEXT://${name}:9092`);
    }
  });

  it('runs Redis as the gateway requires it (AOF, fsync always, noeviction) and the fake-gcs-server emulator', () => {
    const redis = Object.values(services).find((service) => service.image?.startsWith('redis:'));
    expect(redis?.command).toEqual(expect.arrayContaining(['--appendonly', 'yes', '--appendfsync', 'always', '--maxmemory-policy', 'noeviction']));
    expect(Object.values(services).some((service) => service.image?.startsWith('fsouza/fake-gcs-server:'))).toBe(true);
  });

  it('depends only on services it defines', () => {
    const names = Object.keys(services);
    const dependencies = Object.values(services).flatMap((service) => (Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {})));
    expect(dependencies.filter((name) => !names.includes(name))).toEqual([]);
  });

  describe.each(DEPLOYED_APPS.map((app) => [app.name, app] as const))('the %s service', (name, app) => {
    const service = services[name];

    it('is built from the app Dockerfile, from the repository root, and publishes the app ports', () => {
      expect(service?.build).toEqual({ context: '.', dockerfile: `apps/${name}/Dockerfile` });
      expect(existsSync(join(REPO_ROOT, service?.build?.dockerfile ?? 'missing'))).toBe(true);
      expect(service?.image).toBe(`eventpath/${name}:0.1.0`);
      const published = (service?.ports ?? []).map((mapping) => Number(mapping.split(':').at(-1)));
      expect(published.sort()).toEqual([...app.servicePorts, app.opsPort].sort());
    });

    it('gets only variables the app reads, and its addresses name services of this file', () => {
      const settings = env(service ?? {});
      const read = [...environmentKeysReadBy(name), ...variablesReadByStartCommand(readDockerStages(app.dockerfile))];
      expect(Object.keys(settings).filter((key) => !read.includes(key))).toEqual([]);
      const hosts = Object.entries(settings)
        .filter(([key]) => key.endsWith('_BROKERS') || key.endsWith('_URL') || key.endsWith('_ENDPOINT'))
        .flatMap(([key, value]) => value.split(',').map((address) => ({ key, host: /^(?:[a-z+]+:\/\/)?([^:/]+)/.exec(address)?.[1] })))
        .filter(({ key, host }) => !(key === 'ARCHIVE_URL' && host)); // gs://bucket/prefix names a bucket
      expect(hosts.filter(({ host }) => !host || !services[host])).toEqual([]);
      for (const [key, value] of Object.entries(settings).filter(([k]) => k.endsWith('_KAFKA_BROKERS'))) {
        expect({ key, brokers: value }).toEqual({ key, brokers: expect.stringMatching(/^kafka-(fronting|mainstream):9092$/) });
      }
    });
  });
});
