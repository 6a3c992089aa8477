import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@eventpath/runtime';
import { loadArchiverConfig, parseArchiverConfig } from './archiver-config';

const minimal = {
  kafka: { brokers: ['k1:9092'] },
  archive: { url: 'file:///var/archive' },
  schemas: { sources: [{ name: 's', location: '/schemas' }] },
  topics: [{ names: ['events'], messageType: 'acme.Event' }],
};

function problems(raw: unknown, env: NodeJS.ProcessEnv = {}): Array<{ key: string; reason: string }> {
  try {
    parseArchiverConfig(raw, { env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('archiver configuration', () => {
  it('needs only a few lines: everything else has a default', () => {
    const config = parseArchiverConfig(minimal);
    expect(config).toMatchObject({
      logLevel: 'info',
      opsPort: 9403,
      kafka: { brokers: ['k1:9092'], clientId: 'eventpath' },
      consumer: { sessionTimeout: 30_000, fromBeginning: true, commitInterval: 1000 },
      archive: { url: 'file:///var/archive', workDirectory: '/tmp/eventpath-archiver', uploadConcurrency: 4 },
      deadLetters: { kind: 'store' },
      budgets: { memoryBytes: 256 * 1024 * 1024, readQueueBytes: 32 * 1024 * 1024, openFiles: 64 },
    });
    expect(config.topics[0].settings).toEqual({
      messageType: 'acme.Event',
      groupId: 'eventpath-archiver',
      timestamp: 'kafka',
      partitionPattern: "'dt='yyyy-MM-dd/'hr='HH",
      timeZone: 'UTC',
      window: 3_600_000,
      grace: 600_000,
      lateEvents: 'write',
      maxFileSize: 128 * 1024 * 1024,
      compression: 'SNAPPY',
      metadataColumns: true,
      eventIdHeader: 'eventpath-event-id',
      idleClose: 300_000,
      maxFileAge: 3_600_000 + 600_000 + 300_000,
      writer: 'hyparquet-writer',
    });
  });

  it('applies defaults, then per-topic overrides by list or regex, with units', () => {
    const config = parseArchiverConfig({
      ...minimal,
      defaults: { messageType: 'acme.Default', window: '15m', grace: '90s', maxFileSize: '64MiB', timeZone: 'Asia/Jakarta' },
      topics: [
        { names: ['a', 'b'] },
        { pattern: '^orders\\..*', messageType: 'acme.Order', timestamp: { field: 'placed_at_ms', unit: 'millis' }, window: '1d', groupId: 'orders-archiver' },
      ],
    });
    expect(config.topics[0]).toMatchObject({ path: 'topics[0]', names: ['a', 'b'], settings: { messageType: 'acme.Default', window: 900_000, grace: 90_000, maxFileSize: 64 * 1024 * 1024, timeZone: 'Asia/Jakarta' } });
    expect(config.topics[1].pattern?.test('orders.eu')).toBe(true);
    expect(config.topics[1].settings).toMatchObject({ messageType: 'acme.Order', window: 86_400_000, groupId: 'orders-archiver', timestamp: { field: 'placed_at_ms', unit: 'millis' } });
  });

  it('takes the common keys from the environment over the file', () => {
    const config = parseArchiverConfig(minimal, {
      env: {
        MAINSTREAM_KAFKA_BROKERS: 'a:1,b:2',
        MAINSTREAM_KAFKA_CLIENT_ID: 'from-env',
        ARCHIVE_URL: 'gs://bucket/prefix',
        GCS_API_ENDPOINT: 'http://127.0.0.1:4443',
        OPS_PORT: '9999',
        LOG_LEVEL: 'debug',
      },
    });
    expect(config).toMatchObject({
      kafka: { brokers: ['a:1', 'b:2'], clientId: 'from-env' },
      archive: { url: 'gs://bucket/prefix', gcsApiEndpoint: 'http://127.0.0.1:4443' },
      opsPort: 9999,
      logLevel: 'debug',
    });
  });

  it('names every wrong key by its path in the file', () => {
    const found = problems({
      kafka: { brokers: [] },
      archive: { url: 'ftp://x', uploadConcurrency: 0 },
      schemas: { sources: [{ name: 's', location: '/x' }, { name: 's', location: '/y' }] },
      budgets: { memory: 'lots' },
      defaults: { partitionPattern: "'dt='YYYY", timeZone: 'Mars/Base', windw: '1h' },
      topics: [
        { names: ['ok'], messageType: 'a.B', timestamp: { field: 'event time' } },
        { pattern: '(', messageType: 'a.B' },
        { names: ['x'], pattern: 'y', messageType: 'a.B' },
        { names: ['no-type'] },
      ],
    });
    const keys = found.map((p) => p.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        'kafka.brokers',
        'archive.uploadConcurrency',
        'budgets.memory',
        'defaults.partitionPattern',
        'defaults.timeZone',
        'defaults.windw',
        'topics[0].timestamp.field',
        'topics[1].pattern',
        'topics[2]',
      ]),
    );
    expect(found.find((p) => p.key === 'defaults.partitionPattern')?.reason).toMatch(/letter "Y" at position 6/);
    expect(found.find((p) => p.key === 'defaults.windw')?.reason).toBe('unknown key');
    expect(found.find((p) => p.key === 'budgets.memory')?.reason).toMatch(/must be a size like/);
  });

  it('names problems found after the file parsed: the store URL, duplicate sources, a missing message type, a bad environment value', () => {
    const found = problems(
      {
        ...minimal,
        archive: { url: 'ftp://nope' },
        schemas: { sources: [{ name: 's', location: '/x' }, { name: 's', location: '/y' }] },
        topics: [{ names: ['t'] }],
      },
      { OPS_PORT: 'eighty', MAINSTREAM_KAFKA_RETRIES: '-1' },
    );
    expect(found).toEqual(
      expect.arrayContaining([
        { key: 'archive.url', reason: expect.stringMatching(/gs:\/\/bucket\/prefix or file:\/\/\/dir/) },
        { key: 'schemas.sources[1].name', reason: expect.stringMatching(/used by another source/) },
        { key: 'topics[0].messageType', reason: expect.stringMatching(/required/) },
        { key: 'OPS_PORT', reason: expect.stringMatching(/port number/) },
        { key: 'MAINSTREAM_KAFKA_RETRIES', reason: expect.any(String) },
      ]),
    );
    expect(problems({ ...minimal, kafka: {} })).toEqual([{ key: 'kafka.brokers (or MAINSTREAM_KAFKA_BROKERS)', reason: expect.any(String) }]);
  });

  describe('from the file ARCHIVER_CONFIG names', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'archiver-config-'));
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('reads YAML or JSON, resolving relative paths against the file', async () => {
      await writeFile(
        join(dir, 'a.yaml'),
        ['kafka: { brokers: [k:9092] }', 'archive: { url: "file:///a", workDirectory: work }', 'schemas: { sources: [{ name: s, location: proto }] }', 'topics: [{ names: [t], messageType: a.B }]'].join('\n'),
      );
      const yaml = loadArchiverConfig({ ARCHIVER_CONFIG: join(dir, 'a.yaml') });
      expect(yaml.archive.workDirectory).toBe(join(dir, 'work'));
      expect(yaml.schemas.sources[0]).toEqual({ kind: 'descriptorSetFile', name: 's', path: join(dir, 'proto') });
      await writeFile(join(dir, 'b.json'), JSON.stringify(minimal));
      expect(loadArchiverConfig({ ARCHIVER_CONFIG: join(dir, 'b.json') }).topics[0].names).toEqual(['events']);
    });

    it('says what is wrong with a missing variable, a missing file and a malformed one', async () => {
      expect(() => loadArchiverConfig({})).toThrow(/ARCHIVER_CONFIG: must name the configuration file/);
      expect(() => loadArchiverConfig({ ARCHIVER_CONFIG: join(dir, 'none.yaml') })).toThrow(/ARCHIVER_CONFIG: cannot read/);
      await writeFile(join(dir, 'bad.yaml'), 'kafka:\n  brokers: [a\n');
      expect(() => loadArchiverConfig({ ARCHIVER_CONFIG: join(dir, 'bad.yaml') })).toThrow(/not valid YAML or JSON at line \d+/);
    });
  });
});
