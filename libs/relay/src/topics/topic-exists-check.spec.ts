import { TopicExistsCheck } from './topic-exists-check';

describe('TopicExistsCheck', () => {
  it('passes while the topic exists, names a missing one and its cluster, and lists at most once per max age', async () => {
    let topics = ['events'];
    let listings = 0;
    const check = new TopicExistsCheck(async () => (listings++, topics), 'dead-letters', 'fronting', 60_000);
    await expect(check.check()).rejects.toThrow('topic dead-letters does not exist on the fronting cluster: create it');
    await expect(check.check()).rejects.toThrow(/does not exist/);
    expect(listings).toBe(1);
    topics = ['events', 'dead-letters'];
    const fresh = new TopicExistsCheck(async () => (listings++, topics), 'dead-letters', 'fronting', 0);
    await expect(fresh.check()).resolves.toBeUndefined();
  });

  it('asks again after a listing that failed', async () => {
    let listings = 0;
    const check = new TopicExistsCheck(async () => {
      listings += 1;
      if (listings === 1) throw new Error('cluster unreachable');
      return ['dead-letters'];
    }, 'dead-letters', 'fronting', 60_000);
    await expect(check.check()).rejects.toThrow('cluster unreachable');
    await expect(check.check()).resolves.toBeUndefined();
    expect(listings).toBe(2);
  });
});
