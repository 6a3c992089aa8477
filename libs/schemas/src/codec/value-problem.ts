/**
 * An internal error that collects the field path while it unwinds through
 * nested messages; each level adds its own segment. The public entry points
 * turn it into a DecodeError, EncodeError, JsonMappingError or
 * ParquetMappingError that names the message type.
 */
export class ValueProblem extends Error {
  /** Innermost first. */
  private readonly segments: string[] = [];

  /**
   * @param afterField the problem was found once the current field was complete
   *   (a field that ran past its message's end), so the index to report is the
   *   last element's, not the next one's.
   */
  constructor(
    readonly reason: string,
    public afterField = false,
  ) {
    super(reason);
  }

  static from(err: unknown): ValueProblem {
    if (err instanceof ValueProblem) return err;
    return new ValueProblem(err instanceof Error ? err.message : String(err));
  }

  /** Adds the segment of the enclosing level: a field name, `[3]` or `["key"]`. */
  within(segment: string): this {
    this.segments.push(segment);
    return this;
  }

  get fieldPath(): string {
    let path = '';
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const segment = this.segments[i];
      path += segment.startsWith('[') || path === '' ? segment : `.${segment}`;
    }
    return path;
  }
}

export function indexSegment(index: number): string {
  return `[${index}]`;
}

export function keySegment(key: unknown): string {
  return `[${typeof key === 'string' ? JSON.stringify(key) : String(key)}]`;
}
