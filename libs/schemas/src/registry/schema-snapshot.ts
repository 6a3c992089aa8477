import { UnknownMessageTypeError } from '../errors';
import type { AnyTarget } from '../json/json-codec';
import { fingerprintOf } from '../model/fingerprint';
import type { SchemaSet } from '../model/schema-model';
import { MessageSchema } from './message-schema';

export interface LoadedSchemaSource {
  readonly name: string;
  readonly set: SchemaSet;
}

/**
 * The registry's types at one moment, from all sources. Immutable: an update
 * builds a new snapshot and swaps it in with one assignment, so anything
 * working with a snapshot sees one consistent version. A type defined by
 * several sources comes from the first one in configuration order.
 */
export class SchemaSnapshot {
  private readonly index = new Map<string, LoadedSchemaSource>();
  private readonly schemas = new Map<string, MessageSchema>();

  constructor(
    /** Increases with every applied update. */
    readonly version: number,
    readonly sources: readonly LoadedSchemaSource[],
    private readonly onLookup: (typeName: string) => void = () => undefined,
  ) {
    for (const source of sources) {
      for (const typeName of source.set.messages.keys()) {
        if (!this.index.has(typeName)) this.index.set(typeName, source);
      }
    }
  }

  /** Throws UnknownMessageTypeError. */
  messageType(typeName: string): MessageSchema {
    const schema = this.find(typeName);
    if (!schema) throw new UnknownMessageTypeError(typeName);
    this.onLookup(typeName);
    return schema;
  }

  has(typeName: string): boolean {
    return this.index.has(typeName);
  }

  messageTypeNames(): string[] {
    return [...this.index.keys()].sort();
  }

  fingerprint(typeName: string): string | undefined {
    const source = this.index.get(typeName);
    return source ? fingerprintOf(source.set, typeName) : undefined;
  }

  /** The schema set a type comes from; for compatibility checks. */
  setOf(typeName: string): SchemaSet | undefined {
    return this.index.get(typeName)?.set;
  }

  private find(typeName: string): MessageSchema | undefined {
    let schema = this.schemas.get(typeName);
    if (!schema) {
      const source = this.index.get(typeName);
      if (!source) return undefined;
      schema = new MessageSchema(source.set, typeName, source.name, (packed) => this.anyTarget(packed));
      this.schemas.set(typeName, schema);
    }
    return schema;
  }

  private anyTarget(typeName: string): AnyTarget | undefined {
    const source = this.index.get(typeName);
    const schema = this.find(typeName);
    if (!source || !schema) return undefined;
    return {
      set: source.set,
      typeName,
      decode: (bytes) => schema.decode(bytes),
      encode: (message) => schema.encode(message),
    };
  }
}
