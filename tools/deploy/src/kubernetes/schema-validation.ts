import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { ManifestObject } from './manifest-set';

export interface SchemaVerdict {
  source: string;
  kind: string;
  name?: string;
  /** null when the object satisfies its Kubernetes API schema. */
  error: string | null;
}

/** Validates objects against the Kubernetes OpenAPI schemas (kubernetes-models, in a Node process of its own: it is ESM only). */
export function validateAgainstKubernetesSchemas(objects: ManifestObject[]): SchemaVerdict[] {
  const result = spawnSync(process.execPath, [join(__dirname, 'validate-with-kubernetes-models.mjs')], {
    input: JSON.stringify(objects),
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status !== 0) throw new Error(`the schema validator failed (${result.status ?? result.signal}): ${result.stderr}`);
  return JSON.parse(result.stdout) as SchemaVerdict[];
}
