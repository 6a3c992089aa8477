import { configFields } from '@eventpath/runtime';
import { z } from 'zod';

/** Environment variables the rest-gateway reads; see README "Configuration". */
export const restGatewayConfigSchema = z.object({
  LOG_LEVEL: configFields.logLevel().default('info'),
  /** Port of the operations server: /healthz, /readyz, /metrics. */
  OPS_PORT: configFields.port().default(9401),
});

export type RestGatewayConfig = z.infer<typeof restGatewayConfigSchema>;
