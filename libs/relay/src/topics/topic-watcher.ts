export interface TopicWatcherOptions {
  /** How often the topics are listed again. */
  intervalMs: number;
  /** Called with the new sorted list whenever it differs from the last one (the first time too), never concurrently. */
  onChange(topics: string[]): void | Promise<void>;
  /** A listing that failed; the next interval tries again. */
  onError?(error: unknown): void;
}

/**
 * Lists topics (or failover streams) now and then and reports when the set
 * changed, so a worker picks up topics created after it started. A listing
 * that fails leaves the last known set in place.
 */
export class TopicWatcher {
  private timer?: NodeJS.Timeout;
  private last: string[] | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly list: () => Promise<string[]>,
    private readonly options: TopicWatcherOptions,
  ) {}

  /** The last listing, once there was one. */
  get current(): string[] | undefined {
    return this.last;
  }

  /** Lists now, then every `intervalMs`. */
  start(): Promise<void> {
    this.stopped = false;
    const first = this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.options.intervalMs);
    this.timer.unref();
    return first;
  }

  /** Lists now; resolves once a change (if any) was handled. */
  refresh(): Promise<void> {
    this.running = this.running.then(async () => {
      if (this.stopped) return;
      let topics: string[];
      try {
        topics = [...(await this.list())].sort();
      } catch (error) {
        this.options.onError?.(error);
        return;
      }
      if (this.stopped || (this.last && sameList(this.last, topics))) return;
      this.last = topics;
      try {
        await this.options.onChange(topics);
      } catch (error) {
        this.options.onError?.(error);
      }
    });
    return this.running;
  }

  /** No more listings; waits for one in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}
