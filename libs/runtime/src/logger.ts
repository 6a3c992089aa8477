import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  /** The app or component name, present on every line. */
  name: string;
  level?: string;
  /** Where lines go; standard output by default. Tests pass a stream to read them. */
  destination?: NodeJS.WritableStream;
}

/** Structured JSON logs, one object per line, as log collectors expect. */
export function createLogger(options: LoggerOptions): Logger {
  const settings = { name: options.name, level: options.level ?? 'info' };
  return options.destination
    ? pino(settings, options.destination as pino.DestinationStream)
    : pino(settings);
}
