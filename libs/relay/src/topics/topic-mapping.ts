import { isValidTopicName } from './topic-name';

/**
 * Names of the mainstream topics: each fronting topic goes to the topic of
 * the same name unless the mapping says otherwise. Written as
 * `fronting:mainstream` pairs separated by commas, e.g.
 * `events:events-v2,clicks:clicks-raw`.
 */
export class TopicMapping {
  private constructor(private readonly renames: ReadonlyMap<string, string>) {}

  static identity(): TopicMapping {
    return new TopicMapping(new Map());
  }

  static of(renames: Record<string, string>): TopicMapping {
    for (const [from, to] of Object.entries(renames)) {
      for (const name of [from, to]) {
        if (!isValidTopicName(name)) throw new TopicMappingError(`"${name}" is not a Kafka topic name (1-249 characters of a-z A-Z 0-9 . _ -)`);
      }
    }
    return new TopicMapping(new Map(Object.entries(renames)));
  }

  /**
   * Parses `from:to,from:to`; empty means every topic keeps its name.
   * @throws TopicMappingError saying which pair is wrong
   */
  static parse(text: string | undefined): TopicMapping {
    const trimmed = (text ?? '').trim();
    if (trimmed === '') return TopicMapping.identity();
    const renames: Record<string, string> = {};
    for (const pair of trimmed.split(',').map((p) => p.trim()).filter((p) => p.length > 0)) {
      const parts = pair.split(':').map((p) => p.trim());
      if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
        throw new TopicMappingError(`"${pair}" is not a "fronting:mainstream" pair`);
      }
      const [from, to] = parts;
      if (from in renames) throw new TopicMappingError(`"${from}" is mapped twice`);
      renames[from] = to;
    }
    return TopicMapping.of(renames);
  }

  /** The mainstream topic for a fronting topic. */
  target(fronting: string): string {
    return this.renames.get(fronting) ?? fronting;
  }

  /** The explicit renames, fronting name to mainstream name. */
  entries(): Array<[string, string]> {
    return [...this.renames];
  }
}

/** A topic mapping that cannot be parsed; the message says why. */
export class TopicMappingError extends Error {
  override readonly name = 'TopicMappingError';
}
