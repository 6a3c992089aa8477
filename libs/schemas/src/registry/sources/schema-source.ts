import type { ObjectStore } from '@eventpath/storage';

/** Where a registry reads schemas from. `name` identifies the source in push messages, logs and metrics. */
export type SchemaSourceConfig =
  | {
      kind: 'protoDirectory';
      name: string;
      /** The include root: imports are resolved relative to it. Every `.proto` file below it is loaded. */
      directory: string;
    }
  | {
      kind: 'descriptorSetFile';
      name: string;
      /** A FileDescriptorSet from `protoc --include_imports --descriptor_set_out` or `buf build -o`. */
      path: string;
    }
  | {
      kind: 'descriptorSetHttp';
      name: string;
      /** A URL answering GET with a FileDescriptorSet (a Stencil-style schema server). */
      url: string;
      /** Extra request headers, e.g. authorization. */
      headers?: Record<string, string>;
      /** Per request; default 10 s. */
      timeoutMs?: number;
    }
  | {
      kind: 'descriptorSetObject';
      name: string;
      /** `gs://bucket/path/schemas.desc` or `file:///dir/schemas.desc`; opened with the registry's `openObjectStore`. */
      url: string;
    }
  | {
      kind: 'descriptorSetObject';
      name: string;
      /** A store the app opened itself. */
      store: ObjectStore;
      objectName: string;
    };

/** What a source holds: a descriptor set, or .proto files keyed by import path. */
export type SchemaContent =
  | { readonly kind: 'descriptorSet'; readonly bytes: Uint8Array }
  | { readonly kind: 'protoFiles'; readonly files: ReadonlyMap<string, string> };

export type FetchResult =
  | { readonly notModified: true }
  | { readonly notModified: false; readonly content: SchemaContent; readonly contentHash: string };

export interface SchemaSource {
  readonly name: string;
  /** Path or URL, for logs. */
  readonly location: string;
  /**
   * The source's content, or `notModified` when a cheap check (ETag,
   * Last-Modified, mtime and size, object generation) shows it has not changed
   * since the last fetch. `force` skips the cheap check.
   * Throws SchemaFetchError when the source cannot be read.
   */
  fetch(force: boolean): Promise<FetchResult>;
}
