import { TopicWatcher } from './topic-watcher';

describe('TopicWatcher', () => {
  it('reports the first listing and each change, not repeats, and keeps the last list through a failure', async () => {
    const listings: Array<string[] | Error> = [['b', 'a'], ['a', 'b'], new Error('cluster down'), ['a', 'b', 'c']];
    const changes: string[][] = [];
    const errors: unknown[] = [];
    const watcher = new TopicWatcher(
      async () => {
        const next = listings.shift() ?? ['a', 'b', 'c'];
        if (next instanceof Error) throw next;
        return next;
      },
      { intervalMs: 60_000, onChange: (topics) => void changes.push(topics), onError: (error) => void errors.push(error) },
    );
    await watcher.start();
    expect(changes).toEqual([['a', 'b']]);
    await watcher.refresh();
    await watcher.refresh();
    expect(errors).toHaveLength(1);
    expect(watcher.current).toEqual(['a', 'b']);
    await watcher.refresh();
    expect(changes).toEqual([
      ['a', 'b'],
      ['a', 'b', 'c'],
    ]);
    await watcher.stop();
    await watcher.refresh();
    expect(changes).toHaveLength(2);
  });

  it('never runs two change handlers at once', async () => {
    let active = 0;
    let most = 0;
    let n = 0;
    const watcher = new TopicWatcher(async () => [`t${n++}`], {
      intervalMs: 60_000,
      onChange: async () => {
        active += 1;
        most = Math.max(most, active);
        await new Promise((resolve) => setImmediate(resolve));
        active -= 1;
      },
    });
    await Promise.all([watcher.start(), watcher.refresh(), watcher.refresh()]);
    await watcher.stop();
    expect(most).toBe(1);
    expect(n).toBe(3);
  });
});
