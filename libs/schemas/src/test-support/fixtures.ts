import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import * as protobuf from 'protobufjs';
import { loadSchemas } from '../registry/load-schemas';
import type { SchemaSnapshot } from '../registry/schema-snapshot';

export const FIXTURES_DIR = join(__dirname, 'fixtures');
export const PROTO_DIR = join(FIXTURES_DIR, 'proto');
export const UPDATES_DIR = join(FIXTURES_DIR, 'updates');

/** protoc-generated descriptor sets; see fixtures/generate-descriptor-sets.sh. */
export function descriptorSetPath(name: 'fixtures' | 'order-without-imports' | 'ride-v1' | 'ride-v2' | 'ride-incompatible'): string {
  return join(FIXTURES_DIR, 'descriptor-sets', `${name}.desc`);
}

export function readDescriptorSet(name: Parameters<typeof descriptorSetPath>[0]): Buffer {
  return readFileSync(descriptorSetPath(name));
}

/** .proto files below a directory, keyed by import path. */
export function readProtoFiles(directory: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (current: string): void => {
    for (const entry of readdirSync(current)) {
      const path = join(current, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith('.proto')) files.set(relative(directory, path).split(sep).join('/'), readFileSync(path, 'utf8'));
    }
  };
  walk(directory);
  return files;
}

export function loadFixtureSchemas(from: 'protoDirectory' | 'descriptorSet' = 'protoDirectory'): Promise<SchemaSnapshot> {
  return loadSchemas([
    from === 'protoDirectory'
      ? { kind: 'protoDirectory', name: 'fixtures', directory: PROTO_DIR }
      : { kind: 'descriptorSetFile', name: 'fixtures', path: descriptorSetPath('fixtures') },
  ]);
}

/**
 * The fixture schemas loaded by protobufjs on its own, as an independent
 * encoder and decoder to check this library's wire format against.
 */
export function protobufjsFixtureRoot(): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => (target.startsWith('google/protobuf/') ? target : join(PROTO_DIR, target));
  root.loadSync([...readProtoFiles(PROTO_DIR).keys()], { keepCase: true });
  return root;
}
