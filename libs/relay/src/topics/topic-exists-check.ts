/**
 * Whether a topic the worker needs (the dead-letter topic) exists, for a
 * readiness check: the listing is repeated at most every `maxAgeMs`, and a
 * missing topic is reported by name and cluster, so an operator knows what
 * to create before the first dead letter would stall its partition.
 */
export class TopicExistsCheck {
  private checkedAt = 0;
  private last: Promise<void> | undefined;

  constructor(
    private readonly listTopics: () => Promise<string[]>,
    readonly topic: string,
    private readonly cluster: string,
    private readonly maxAgeMs = 30_000,
  ) {}

  /** Resolves when the topic exists; rejects saying which topic is missing where, or why the cluster could not tell. */
  check(): Promise<void> {
    if (this.last && Date.now() - this.checkedAt < this.maxAgeMs) return this.last;
    this.checkedAt = Date.now();
    this.last = this.listTopics().then(
      (topics) => {
        if (!topics.includes(this.topic)) throw new Error(`topic ${this.topic} does not exist on the ${this.cluster} cluster: create it`);
      },
      (error: unknown) => {
        // A listing that failed is asked again next time rather than cached.
        this.checkedAt = 0;
        throw error;
      },
    );
    return this.last;
  }
}
