/** What is wrong with one event of a request, and where. */
export interface EventProblem {
  /** The event's position in the request (0-based); absent for a problem of the whole request. */
  index?: number;
  /** The event's id, when it has one by then. */
  id?: string;
  /** Path of the field at fault within the event, e.g. `value.items[3].price`, `headers.trace`. */
  field?: string;
  message: string;
}

/** Why a request was refused before anything of it was written. */
export type IngestErrorKind =
  | 'bad-request'
  | 'unauthorized'
  | 'forbidden'
  | 'topic-not-found'
  | 'partition-not-found'
  | 'not-acceptable'
  | 'payload-too-large'
  | 'unsupported-media-type'
  | 'invalid-value'
  | 'schema-registry-format'
  | 'rate-limited'
  | 'unavailable';

const STATUS: Record<IngestErrorKind, number> = {
  'bad-request': 400,
  unauthorized: 401,
  forbidden: 403,
  'topic-not-found': 404,
  'partition-not-found': 404,
  'not-acceptable': 406,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  'invalid-value': 422,
  'schema-registry-format': 422,
  'rate-limited': 429,
  unavailable: 503,
};

/**
 * A request refused whole: nothing of it reached Kafka or Redis. `problems`
 * name each event and field at fault; the message reads as the first of
 * them (and how many more there are).
 */
export class IngestRequestError extends Error {
  override readonly name = 'IngestRequestError';
  readonly status: number;

  readonly problems: readonly EventProblem[];
  readonly retryAfterSeconds?: number;
  /** The Confluent REST Proxy `error_code` when it has a specific one (42201, 42202); the REST Proxy API uses it. */
  readonly errorCode?: number;

  constructor(
    readonly kind: IngestErrorKind,
    message: string,
    options: { problems?: readonly EventProblem[]; retryAfterSeconds?: number; errorCode?: number } = {},
  ) {
    super(message);
    this.status = STATUS[kind];
    this.problems = options.problems ?? [];
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.errorCode = options.errorCode;
  }

  /** A request refused for the problems of its events. */
  static forProblems(kind: IngestErrorKind, problems: readonly EventProblem[]): IngestRequestError {
    const [first] = problems;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    return new IngestRequestError(kind, `${describeProblem(first)}${more}`, { problems });
  }
}

/** `event 3 (id "a-1"): value.price: expected a number`. */
export function describeProblem(problem: EventProblem): string {
  const where = problem.index === undefined ? '' : `event ${problem.index}${problem.id ? ` (id ${JSON.stringify(problem.id)})` : ''}: `;
  return `${where}${problem.field ? `${problem.field}: ` : ''}${problem.message}`;
}
