import { isInternalTopic, isValidTopicName } from './topic-name';

/**
 * Which fronting topics (and failover streams, which are named after them)
 * a worker moves on. Written as a comma-separated list of names, as
 * `/regex/` (JavaScript syntax, optional flags after the closing slash), or
 * left empty for every topic: then every topic but Kafka's internal ones
 * (`__*`) and other underscore-prefixed system topics (`_schemas`,
 * `_confluent-*`).
 *
 * Kafka's internal topics are never selected, whatever the selector says.
 */
export class TopicSelector {
  private constructor(
    private readonly names: ReadonlySet<string> | undefined,
    private readonly pattern: RegExp | undefined,
    private readonly text: string,
  ) {}

  /** Every non-system topic. */
  static all(): TopicSelector {
    return new TopicSelector(undefined, undefined, '(every topic)');
  }

  static of(names: string[]): TopicSelector {
    for (const name of names) {
      if (!isValidTopicName(name)) throw new TopicSelectorError(`"${name}" is not a Kafka topic name (1-249 characters of a-z A-Z 0-9 . _ -)`);
    }
    if (names.length === 0) throw new TopicSelectorError('lists no topic');
    return new TopicSelector(new Set(names), undefined, names.join(','));
  }

  static matching(pattern: RegExp): TopicSelector {
    return new TopicSelector(undefined, new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')), pattern.toString());
  }

  /**
   * Parses `a,b,c`, `/regex/flags` or an empty string (every topic).
   * @throws TopicSelectorError saying what is wrong
   */
  static parse(text: string | undefined): TopicSelector {
    const trimmed = (text ?? '').trim();
    if (trimmed === '') return TopicSelector.all();
    const regex = /^\/(.*)\/([a-z]*)$/s.exec(trimmed);
    if (regex) {
      if (regex[1] === '') throw new TopicSelectorError('the regular expression is empty');
      try {
        return TopicSelector.matching(new RegExp(regex[1], regex[2]));
      } catch (error) {
        throw new TopicSelectorError(`not a valid regular expression: ${(error as Error).message}`);
      }
    }
    if (trimmed.startsWith('/')) throw new TopicSelectorError('a regular expression must end with "/" (optionally followed by flags)');
    return TopicSelector.of(trimmed.split(',').map((name) => name.trim()).filter((name) => name.length > 0));
  }

  /** The listed names, when the selector is a list. */
  get listed(): string[] | undefined {
    return this.names ? [...this.names] : undefined;
  }

  matches(topic: string): boolean {
    if (isInternalTopic(topic)) return false;
    if (this.names) return this.names.has(topic);
    if (this.pattern) return this.pattern.test(topic);
    return !topic.startsWith('_');
  }

  toString(): string {
    return this.text;
  }
}

/** A topic selector that cannot be parsed; the message says why. */
export class TopicSelectorError extends Error {
  override readonly name = 'TopicSelectorError';
}
