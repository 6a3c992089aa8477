import { z } from 'zod';
import { ConfigError } from './config-error';
import { configFields } from './config-fields';
import { loadConfig } from './load-config';

const schema = z.object({
  KAFKA_BROKERS: configFields.list(),
  HTTP_PORT: configFields.port().default(8080),
  BATCH_SIZE: configFields.positiveInt().default(500),
  TLS_ENABLED: configFields.bool().default(false),
});

describe('loadConfig', () => {
  it('converts environment strings into typed values and applies defaults', () => {
    const config = loadConfig(schema, { KAFKA_BROKERS: 'a:9092, b:9092', TLS_ENABLED: 'yes' });
    expect(config).toEqual({ KAFKA_BROKERS: ['a:9092', 'b:9092'], HTTP_PORT: 8080, BATCH_SIZE: 500, TLS_ENABLED: true });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig(schema, { KAFKA_BROKERS: 'a:1', HTTP_PORT: '' }).HTTP_PORT).toBe(8080);
  });

  it('names every wrong key and why', () => {
    let error: unknown;
    try {
      loadConfig(schema, { HTTP_PORT: '70000', BATCH_SIZE: 'ten', TLS_ENABLED: 'maybe' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.map((p) => p.key).sort()).toEqual(['BATCH_SIZE', 'HTTP_PORT', 'KAFKA_BROKERS', 'TLS_ENABLED']);
    expect(problems.find((p) => p.key === 'KAFKA_BROKERS')?.reason).toBe('is required but not set');
    expect(problems.find((p) => p.key === 'TLS_ENABLED')?.reason).toBe('must be true or false (got "maybe")');
    expect(problems.find((p) => p.key === 'BATCH_SIZE')?.reason).toBe('must be a number (got "ten")');
    expect((error as Error).message).toMatch(/HTTP_PORT: .*65535/);
  });

  it('rejects a list with no items', () => {
    expect(() => loadConfig(schema, { KAFKA_BROKERS: ' , ' })).toThrow(/KAFKA_BROKERS: must list at least one item/);
  });
});

describe('loadConfig with rules that span keys', () => {
  const sasl = z
    .object({ SASL_MECHANISM: z.enum(['plain', 'scram-sha-256']).optional(), SASL_USERNAME: z.string().optional() })
    .refine((c) => c.SASL_MECHANISM === undefined || c.SASL_USERNAME !== undefined, {
      message: 'is required when SASL_MECHANISM is set',
      path: ['SASL_USERNAME'],
    });

  it("keeps the rule's own reason for an unset key", () => {
    expect(() => loadConfig(sasl, { SASL_MECHANISM: 'plain' })).toThrow('SASL_USERNAME: is required when SASL_MECHANISM is set');
  });
});
