import type { ParquetSchema } from '@eventpath/storage';
import { compileDecoder, type DecodedMessage, type MessageDecoder } from '../codec/decoder-compiler';
import { compileEncoder, type UnknownFieldPolicy } from '../codec/encoder-compiler';
import { ValueProblem } from '../codec/value-problem';
import { WireReader } from '../codec/wire-reader';
import { DecodeError, EncodeError, JsonMappingError, ParquetMappingError } from '../errors';
import { jsonCodecFor, type AnyTarget, type JsonContext } from '../json/json-codec';
import type { JsonValue } from '../json/json-scalars';
import { fingerprintOf } from '../model/fingerprint';
import type { SchemaSet } from '../model/schema-model';
import type { RecordMetadata } from '../parquet/metadata-columns';
import { columnConvertersOf, ParquetColumnBatch } from '../parquet/parquet-column-batch';
import { compileRowMapping, type RecursionFallback } from '../parquet/row-converter-compiler';
import { compiledFor } from './compiled-cache';

/** Protobuf's own default limit on message nesting; deeper input is refused rather than risking the stack. */
const MAX_DECODE_DEPTH = 100;

export interface EncodeOptions {
  /** Properties the message type does not have: `reject` (default) fails, `ignore` leaves them out. */
  unknownFields?: UnknownFieldPolicy;
}

export interface ToJsonOptions {
  /** `json` (default): lowerCamelCase JSON names, as the protobuf JSON mapping prints; `proto`: the .proto field names. */
  fieldNames?: 'json' | 'proto';
}

export interface FromJsonOptions {
  /** JSON fields the message type does not have: `reject` (default) fails, `ignore` skips them. */
  unknownFields?: UnknownFieldPolicy;
}

export interface ParquetMappingOptions {
  /** How many times one message type may occur on a path from the root before recursion is cut. Default 3. */
  recursionDepth?: number;
  /** At the cut: `json` (default) stores the rest of the subtree as a JSON string column; `error` leaves it out and fails rows that have data there. */
  recursionFallback?: RecursionFallback;
  /** Append the Kafka metadata columns (`__kafka_topic` ...); `toRow` then needs the record metadata. Default true. */
  metadataColumns?: boolean;
}

/** A message type's Parquet schema and its row converter, for one schema version. */
export interface ParquetMapping {
  readonly messageType: string;
  readonly fingerprint: string;
  readonly schema: ParquetSchema;
  /** Footer metadata that records which schema wrote a file. */
  readonly keyValueMetadata: Readonly<Record<string, string>>;
  /** A row as the Parquet writers in libs/storage take it. Throws ParquetMappingError. */
  toRow(message: DecodedMessage, metadata?: RecordMetadata): Record<string, unknown>;
}

export const FINGERPRINT_METADATA_KEY = 'eventpath.schema.fingerprint';
export const MESSAGE_TYPE_METADATA_KEY = 'eventpath.schema.message_type';

/**
 * One message type of one schema version. Immutable: a schema update makes
 * new MessageSchema objects, so a caller holding this one keeps decoding with
 * the version it started with.
 */
export class MessageSchema {
  readonly fingerprint: string;
  private readonly contexts = new Map<string, JsonContext>();
  // The generated code lives in the schema set's cache; these save the lookup on every call.
  private decoder?: MessageDecoder;
  private readonly encoders: Partial<Record<UnknownFieldPolicy, (message: DecodedMessage) => Uint8Array>> = {};

  constructor(
    private readonly set: SchemaSet,
    /** Fully-qualified name, e.g. `acme.orders.OrderPlaced`. */
    readonly name: string,
    /** The schema source it was loaded from. */
    readonly source: string,
    private readonly resolveAny: (typeName: string) => AnyTarget | undefined,
  ) {
    this.fingerprint = fingerprintOf(set, name);
  }

  /** Throws DecodeError naming the field path. */
  decode(bytes: Uint8Array): DecodedMessage {
    const decode = (this.decoder ??= compiledFor(this.set, `decode:${this.name}`, () =>
      compileDecoder(this.set, this.name, MAX_DECODE_DEPTH),
    ));
    if (!(bytes instanceof Uint8Array)) throw new DecodeError(this.name, '', 'expected bytes (a Uint8Array or Buffer)');
    try {
      return decode(new WireReader(bytes));
    } catch (err) {
      const problem = ValueProblem.from(err);
      throw new DecodeError(this.name, problem.fieldPath, problem.reason);
    }
  }

  /** Throws EncodeError naming the field path. */
  encode(message: DecodedMessage, options: EncodeOptions = {}): Uint8Array {
    const policy = options.unknownFields ?? 'reject';
    const encode = (this.encoders[policy] ??= compiledFor(this.set, `encode:${this.name}:${policy}`, () =>
      compileEncoder(this.set, this.name, policy),
    ));
    try {
      return encode(message);
    } catch (err) {
      const problem = ValueProblem.from(err);
      throw new EncodeError(this.name, problem.fieldPath, problem.reason);
    }
  }

  /** The protobuf JSON mapping of a decoded message. Throws JsonMappingError. */
  toJson(message: DecodedMessage, options: ToJsonOptions = {}): JsonValue {
    const context = this.context(options.fieldNames === 'proto', false);
    try {
      return jsonCodecFor(this.set, this.name).toJson(message, context);
    } catch (err) {
      const problem = ValueProblem.from(err);
      throw new JsonMappingError(this.name, problem.fieldPath, problem.reason);
    }
  }

  /** A decoded message from its protobuf JSON mapping (a parsed JSON value). Throws JsonMappingError naming the field path. */
  fromJson(json: unknown, options: FromJsonOptions = {}): DecodedMessage {
    const context = this.context(false, options.unknownFields === 'ignore');
    try {
      return jsonCodecFor(this.set, this.name).fromJson(json, context);
    } catch (err) {
      const problem = ValueProblem.from(err);
      throw new JsonMappingError(this.name, problem.fieldPath, problem.reason);
    }
  }

  /** The Parquet schema and row converter, generated once per schema version and options. */
  parquetMapping(options: ParquetMappingOptions = {}): ParquetMapping {
    const recursionDepth = options.recursionDepth ?? 3;
    const recursionFallback = options.recursionFallback ?? 'json';
    const metadataColumns = options.metadataColumns ?? true;
    if (!Number.isInteger(recursionDepth) || recursionDepth < 1) {
      throw new ParquetMappingError(this.name, '', `recursionDepth must be a positive integer, got ${recursionDepth}`);
    }
    const compiled = compiledFor(
      this.set,
      `parquet:${this.name}:${recursionDepth}:${recursionFallback}:${metadataColumns}`,
      () => compileRowMapping(this.set, this.name, { recursionDepth, recursionFallback, metadataColumns }),
    );
    const context = this.context(false, false);
    const name = this.name;
    return {
      messageType: name,
      fingerprint: this.fingerprint,
      schema: compiled.schema,
      keyValueMetadata: { [MESSAGE_TYPE_METADATA_KEY]: name, [FINGERPRINT_METADATA_KEY]: this.fingerprint },
      toRow(message, metadata) {
        try {
          return compiled.convert(message, metadata, context);
        } catch (err) {
          const problem = ValueProblem.from(err);
          throw new ParquetMappingError(name, problem.fieldPath, problem.reason);
        }
      },
    };
  }

  /**
   * A new ParquetColumnBatch of this type and version: records straight into the Arrow
   * columns of `parquetMapping(options).schema`, for a columnar Parquet writer (as
   * `createParquetColumnBatch(snapshot, name, options)`; Any resolves as in `toRow`).
   */
  parquetColumnBatch(options: ParquetMappingOptions = {}): ParquetColumnBatch {
    return new ParquetColumnBatch(columnConvertersOf(this.set, this.name, options), this.context(false, false));
  }

  private context(protoFieldNames: boolean, ignoreUnknownFields: boolean): JsonContext {
    const key = `${protoFieldNames}:${ignoreUnknownFields}`;
    let context = this.contexts.get(key);
    if (!context) {
      context = { resolveAny: this.resolveAny, protoFieldNames, ignoreUnknownFields };
      this.contexts.set(key, context);
    }
    return context;
  }
}
