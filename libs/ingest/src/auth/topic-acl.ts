/**
 * Which topics a key may produce to: exact names (`ride-booked`), prefixes
 * (`rides.*`, every topic starting with `rides.`) or `*` (all).
 */
export class TopicAcl {
  private readonly exact = new Set<string>();
  private readonly prefixes: string[] = [];
  private all = false;

  constructor(patterns: readonly string[]) {
    for (const pattern of patterns) {
      const problem = topicPatternProblem(pattern);
      if (problem) throw new TypeError(problem);
      if (pattern === '*') this.all = true;
      else if (pattern.endsWith('*')) this.prefixes.push(pattern.slice(0, -1));
      else this.exact.add(pattern);
    }
  }

  static readonly everything = new TopicAcl(['*']);

  allows(topic: string): boolean {
    return this.all || this.exact.has(topic) || this.prefixes.some((prefix) => topic.startsWith(prefix));
  }
}

/** Why `pattern` is not a topic pattern, or undefined. */
export function topicPatternProblem(pattern: string): string | undefined {
  if (pattern === '*') return undefined;
  const body = pattern.endsWith('*') ? pattern.slice(0, -1) : pattern;
  if (body.length === 0 || !/^[a-zA-Z0-9._-]+$/.test(body)) {
    return `${JSON.stringify(pattern)} is not a topic name or prefix (a topic name, a prefix ending in "*", or "*")`;
  }
  return undefined;
}
