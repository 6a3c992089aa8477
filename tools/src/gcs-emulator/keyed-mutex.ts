/**
 * One FIFO lock per key. Object commits take the object's lock so that
 * "check precondition, then write" is atomic: of N concurrent create-only
 * writers of one name exactly one finds the name free.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  async runExclusive<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => current);
    this.tails.set(key, tail);
    await previous;
    try {
      return await task();
    } finally {
      release();
      // Only the last waiter may drop the entry; otherwise a later waiter's tail is lost.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
