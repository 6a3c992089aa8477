import { configFields } from '@eventpath/runtime';
import { z } from 'zod';

/** Environment variables the fronting-worker reads; see README "Configuration". */
export const frontingWorkerConfigSchema = z.object({
  LOG_LEVEL: configFields.logLevel().default('info'),
  /** Port of the operations server: /healthz, /readyz, /metrics. */
  OPS_PORT: configFields.port().default(9402),
});

export type FrontingWorkerConfig = z.infer<typeof frontingWorkerConfigSchema>;
