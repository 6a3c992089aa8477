import { statSync } from 'node:fs';
import type { ObjectStore } from '@eventpath/storage';
import { SchemaRegistryConfigError } from '../../errors';
import { DescriptorSetFileSource } from './descriptor-set-file-source';
import { DescriptorSetHttpSource } from './descriptor-set-http-source';
import { DescriptorSetObjectSource } from './descriptor-set-object-source';
import { ProtoDirectorySource } from './proto-directory-source';
import type { SchemaSource, SchemaSourceConfig } from './schema-source';

/** Opens the object store a `gs://` or `file://` URL prefix names; the app decides how (credentials, options). */
export type OpenObjectStore = (storeUrl: string) => ObjectStore | Promise<ObjectStore>;

export function createSchemaSource(config: SchemaSourceConfig, openObjectStore?: OpenObjectStore): SchemaSource {
  switch (config.kind) {
    case 'protoDirectory':
      return new ProtoDirectorySource(config.name, config.directory);
    case 'descriptorSetFile':
      return new DescriptorSetFileSource(config.name, config.path);
    case 'descriptorSetHttp':
      return new DescriptorSetHttpSource(config.name, config.url, config.headers, config.timeoutMs);
    case 'descriptorSetObject': {
      if ('store' in config) {
        return new DescriptorSetObjectSource(config.name, `${config.store.url}/${config.objectName}`, () => config.store, config.objectName);
      }
      if (!openObjectStore) {
        throw new SchemaRegistryConfigError(`schema source ${config.name} (${config.url}) needs the registry option openObjectStore`);
      }
      const slash = config.url.lastIndexOf('/');
      const storeUrl = config.url.slice(0, slash);
      const objectName = config.url.slice(slash + 1);
      if (!/^(gs|file):\/\//.test(config.url) || objectName === '' || storeUrl.endsWith(':/')) {
        throw new SchemaRegistryConfigError(`schema source ${config.name}: ${config.url} does not name an object (gs://bucket/name or file:///dir/name)`);
      }
      return new DescriptorSetObjectSource(config.name, config.url, () => openObjectStore(storeUrl), objectName);
    }
  }
}

/**
 * A source config from one configuration string: `http(s)://…` is a schema
 * server, `gs://…` and `file://…` an object in storage, a local directory holds
 * .proto files and any other local path is a descriptor set file.
 */
export function schemaSourceFromLocation(name: string, location: string): SchemaSourceConfig {
  if (/^https?:\/\//i.test(location)) return { kind: 'descriptorSetHttp', name, url: location };
  if (/^(gs|file):\/\//i.test(location)) return { kind: 'descriptorSetObject', name, url: location };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    throw new SchemaRegistryConfigError(`schema source ${name}: unsupported location ${location}`);
  }
  let isDirectory = false;
  try {
    isDirectory = statSync(location).isDirectory();
  } catch {
    // A missing path is reported by the first fetch, with the reason.
  }
  return isDirectory ? { kind: 'protoDirectory', name, directory: location } : { kind: 'descriptorSetFile', name, path: location };
}
