import { z } from 'zod';
import { ConfigError, type ConfigProblem } from './config-error';

/**
 * Configuration comes from environment variables (one variable per key, named
 * as the schema's keys, e.g. `KAFKA_BROKERS`). The schema validates and
 * converts them; unknown variables are ignored because the environment holds
 * far more than this app's keys.
 */
export type EnvSource = Record<string, string | undefined>;

export function loadConfig<S extends z.ZodObject>(
  schema: S,
  env: EnvSource = process.env,
): z.infer<S> {
  const keys = Object.keys(schema.shape);
  const input: Record<string, string> = {};
  for (const key of keys) {
    const value = env[key];
    // An empty variable means "not set": a deployment template that renders
    // `KEY=` should get the default, not a validation error on "".
    if (value !== undefined && value !== '') input[key] = value;
  }
  const result = schema.safeParse(input);
  if (!result.success) throw new ConfigError(toProblems(result.error, input));
  return result.data;
}

function toProblems(error: z.ZodError, input: Record<string, string>): ConfigProblem[] {
  return error.issues.map((issue) => {
    const key = issue.path.length > 0 ? issue.path.map(String).join('.') : '(config)';
    // Only a type error on an absent key means "missing"; a rule that spans keys
    // (e.g. "required when SASL is on") keeps its own message.
    const missing = issue.code === 'invalid_type' && issue.path.length === 1 && !(String(issue.path[0]) in input);
    return { key, reason: missing ? 'is required but not set' : key in input ? `${issue.message} (got "${input[key]}")` : issue.message };
  });
}
