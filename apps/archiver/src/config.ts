import { configFields } from '@eventpath/runtime';
import { z } from 'zod';

/** Environment variables the archiver reads; see README "Configuration". */
export const archiverConfigSchema = z.object({
  LOG_LEVEL: configFields.logLevel().default('info'),
  /** Port of the operations server: /healthz, /readyz, /metrics. */
  OPS_PORT: configFields.port().default(9403),
});

export type ArchiverConfig = z.infer<typeof archiverConfigSchema>;
