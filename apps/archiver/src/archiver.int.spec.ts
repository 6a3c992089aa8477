import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useTestKafka, type TestKafka } from '@eventpath/dev-infra';
import { ConfigError } from '@eventpath/runtime';
import { createArchiver } from './archiver';
import { PAGE_VIEWED } from './test-support/example-schema';
import { testArchiverConfig } from './test-support/test-config';

describe('archiver start-up', () => {
  let kafka: TestKafka;
  let dir: string;

  beforeAll(async () => {
    kafka = await useTestKafka();
    dir = await mkdtemp(join(tmpdir(), 'archiver-start-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await kafka?.release();
  });

  it('starts from configuration and serves its operations endpoints', async () => {
    const topic = await kafka.createUniqueTopic('start', 1);
    const app = await createArchiver(testArchiverConfig({ kafka, archiveUrl: `file://${dir}/archive`, workDirectory: `${dir}/work`, topics: [{ names: [topic], messageType: PAGE_VIEWED }] }));
    try {
      expect((await fetch(`${app.opsUrl}/healthz`)).status).toBe(200);
      const metrics = await (await fetch(`${app.opsUrl}/metrics`)).text();
      expect(metrics).toContain('app="archiver"');
      expect(metrics).toContain('eventpath_archiver_memory_budget_bytes');
      expect(metrics).toContain('eventpath_pipeline_queue_depth');
      // Ready once the consumer group has assigned partitions.
      let ready = 0;
      for (let i = 0; i < 300 && ready !== 200; i++) {
        ready = (await fetch(`${app.opsUrl}/readyz`)).status;
        if (ready !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(ready).toBe(200);
    } finally {
      await app.stop();
    }
    await expect(app.done).resolves.toBeUndefined();
  });

  it('refuses to start on a topic the cluster lacks or a message type no schema defines, naming the entry', async () => {
    const topic = await kafka.createUniqueTopic('start', 1);
    const base = { kafka, archiveUrl: `file://${dir}/archive`, workDirectory: `${dir}/work2` };
    const missingTopic = createArchiver(testArchiverConfig({ ...base, topics: [{ names: ['no-such-topic-here'], messageType: PAGE_VIEWED }] }));
    await expect(missingTopic).rejects.toBeInstanceOf(ConfigError);
    await expect(missingTopic).rejects.toThrow(/topics\[0\]\.names: topic "no-such-topic-here" does not exist/);
    const missingType = createArchiver(testArchiverConfig({ ...base, topics: [{ names: [topic], messageType: 'eventpath.example.Nope' }] }));
    await expect(missingType).rejects.toThrow(/topics\[0\]\.messageType/);
  });
});
