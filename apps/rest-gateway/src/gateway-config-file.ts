import { readFileSync } from 'node:fs';
import { API_KEY_HASH, DEFAULT_INGEST_LIMITS, topicNameProblem, topicPatternProblem } from '@eventpath/ingest';
import { ConfigError, type ConfigProblem } from '@eventpath/runtime';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const positive = () => z.number({ error: 'must be a number' }).int('must be an integer').positive('must be > 0');
const topicName = z.string().superRefine((name, ctx) => {
  const problem = topicNameProblem(name);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const topicPattern = z.string().superRefine((pattern, ctx) => {
  const problem = topicPatternProblem(pattern);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const rateLimit = z.strictObject({ eventsPerSecond: positive().optional(), bytesPerSecond: positive().optional() });

/** The `GATEWAY_CONFIG` file (YAML or JSON); every part optional. See README "GATEWAY_CONFIG". */
export const gatewayConfigFileSchema = z
  .strictObject({
    /** When present, only these topics are accepted (they must also exist in the fronting cluster). */
    topics: z.record(topicName, z.strictObject({ messageType: z.string().min(1).optional() }).nullable()).optional(),
    schemas: z
      .strictObject({
        sources: z.array(z.strictObject({ name: z.string().min(1), location: z.string().min(1) })).min(1, 'must list at least one source'),
        pollIntervalMs: z.number().int().min(0).optional(),
        /** Reload at once on `PUBLISH eventpath:schema-updates <source>` on REDIS_URL. */
        pushOverRedis: z.boolean().optional(),
      })
      .optional(),
    apiKeys: z
      .array(
        z.strictObject({
          name: z.string().min(1),
          sha256: z.string().regex(API_KEY_HASH, 'must be the SHA-256 of the key as 64 lowercase hex digits (printf %s "$KEY" | sha256sum)'),
          topics: z.array(topicPattern).min(1, 'must list at least one topic or prefix'),
          rateLimit: rateLimit.optional(),
        }),
      )
      .optional(),
    limits: z
      .strictObject({
        maxBodyBytes: positive().optional(),
        maxEventsPerRequest: positive().optional(),
        maxEventBytes: positive().max(64 * 1024 * 1024, 'must be at most 64 MiB').optional(),
        maxHeadersPerEvent: positive().max(1000, 'must be at most 1000').optional(),
        maxHeaderBytes: positive().min(256, 'must be at least 256').max(64 * 1024, 'must be at most 64 KiB').optional(),
      })
      .optional(),
  })
  .superRefine((file, ctx) => {
    for (const [topic, settings] of Object.entries(file.topics ?? {})) {
      if (settings?.messageType && !file.schemas) {
        ctx.addIssue({ code: 'custom', path: ['topics', topic, 'messageType'], message: 'needs schemas.sources to load the message type from' });
      }
    }
    const seen = new Map<string, number>();
    (file.apiKeys ?? []).forEach((key, index) => {
      for (const [field, value] of [['name', key.name], ['sha256', key.sha256]] as const) {
        const earlier = seen.get(`${field}:${value}`);
        if (earlier !== undefined) ctx.addIssue({ code: 'custom', path: ['apiKeys', index, field], message: `repeats apiKeys[${earlier}].${field}` });
        else seen.set(`${field}:${value}`, index);
      }
    });
  });

export type GatewayConfigFile = z.infer<typeof gatewayConfigFileSchema>;

/** The limits the file sets, over the defaults. */
export function ingestLimits(file: GatewayConfigFile): typeof DEFAULT_INGEST_LIMITS & { maxBodyBytes: number } {
  return { ...DEFAULT_INGEST_LIMITS, maxBodyBytes: 10 * 1024 * 1024, ...file.limits };
}

/**
 * Reads the file at `path` (YAML, of which JSON is a subset) and validates
 * it. @throws ConfigError whose keys are `GATEWAY_CONFIG <path in the file>`,
 * e.g. `GATEWAY_CONFIG apiKeys[1].sha256`.
 */
export function loadGatewayConfigFile(path: string): GatewayConfigFile {
  const problem = (where: string, reason: string): ConfigProblem => ({ key: `GATEWAY_CONFIG${where ? ` ${where}` : ''}`, reason: `${reason} (in ${path})` });
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([{ key: 'GATEWAY_CONFIG', reason: `cannot read ${path}: ${(error as Error).message}` }]);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text) ?? {};
  } catch (error) {
    throw new ConfigError([problem('', `is not valid YAML or JSON: ${(error as Error).message}`)]);
  }
  const result = gatewayConfigFileSchema.safeParse(parsed);
  if (!result.success) throw new ConfigError(result.error.issues.map((issue) => problem(formatPath(issue.path), issue.message)));
  return result.data;
}

/** `['apiKeys', 1, 'sha256']` → `apiKeys[1].sha256`. */
function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part)), '');
}
