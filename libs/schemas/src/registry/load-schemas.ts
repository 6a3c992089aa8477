import { InvalidSchemaError } from '../errors';
import { schemaSetFromDescriptorSet } from '../model/model-from-descriptor-set';
import { schemaSetFromProtoFiles } from '../model/model-from-proto-files';
import type { SchemaSet } from '../model/schema-model';
import { SchemaSnapshot } from './schema-snapshot';
import { createSchemaSource, type OpenObjectStore } from './sources/create-schema-source';
import type { SchemaContent, SchemaSourceConfig } from './sources/schema-source';

/** Throws InvalidSchemaError naming the source. */
export function schemaSetFromContent(sourceName: string, content: SchemaContent): SchemaSet {
  try {
    return content.kind === 'descriptorSet' ? schemaSetFromDescriptorSet(content.bytes) : schemaSetFromProtoFiles(content.files);
  } catch (err) {
    if (err instanceof InvalidSchemaError) throw new InvalidSchemaError(err.reason, sourceName);
    throw err;
  }
}

/**
 * Loads schemas once, without polling or push: for tools, scripts and tests
 * that need a fixed schema. Throws SchemaFetchError or InvalidSchemaError.
 */
export async function loadSchemas(
  sources: readonly SchemaSourceConfig[],
  options: { openObjectStore?: OpenObjectStore } = {},
): Promise<SchemaSnapshot> {
  const loaded = [];
  for (const config of sources) {
    const result = await createSchemaSource(config, options.openObjectStore).fetch(true);
    if (result.notModified) throw new Error(`schema source ${config.name} answered "not modified" to an unconditional fetch`);
    loaded.push({ name: config.name, set: schemaSetFromContent(config.name, result.content) });
  }
  return new SchemaSnapshot(1, loaded);
}
