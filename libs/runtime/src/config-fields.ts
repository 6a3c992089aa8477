import { z } from 'zod';

/**
 * Field builders for environment-variable configuration. Each takes a string
 * from the environment and produces a typed value with an error message that
 * says what was expected.
 */
export const configFields = {
  /** A comma-separated list of non-empty items, e.g. `host1:9092,host2:9092`. */
  list: () =>
    z
      .string()
      .transform((s) => s.split(',').map((item) => item.trim()).filter((item) => item.length > 0))
      .refine((items) => items.length > 0, { message: 'must list at least one item (comma-separated)' }),

  /** A TCP port, 0 meaning "any free port". */
  port: () => z.coerce.number({ error: 'must be a port number' }).int('must be an integer').min(0).max(65535),

  /** A positive integer (counts, sizes, milliseconds). */
  positiveInt: () => z.coerce.number({ error: 'must be a number' }).int('must be an integer').positive('must be > 0'),

  /** `true`/`false`/`1`/`0`/`yes`/`no`. */
  bool: () =>
    z.enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' }).transform(
      (v) => v === 'true' || v === '1' || v === 'yes',
    ),

  /** A URL (redis://, http://, gs://, file://). */
  url: () => z.url({ error: 'must be a URL' }),

  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
};
