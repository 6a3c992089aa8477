import { RecordBatchBuilder, type ParquetSchema } from '@eventpath/storage';
import type { RecordBatch, Schema } from 'apache-arrow';
import { compileDecoder, type DecodedMessage } from '../codec/decoder-compiler';
import { compileEncoder } from '../codec/encoder-compiler';
import { ValueProblem } from '../codec/value-problem';
import { WireReader } from '../codec/wire-reader';
import { DecodeError, ParquetMappingError, UnknownMessageTypeError } from '../errors';
import type { AnyTarget, JsonContext } from '../json/json-codec';
import { fingerprintOf } from '../model/fingerprint';
import type { SchemaSet } from '../model/schema-model';
import { compiledFor } from '../registry/compiled-cache';
import { FINGERPRINT_METADATA_KEY, MESSAGE_TYPE_METADATA_KEY, type ParquetMappingOptions } from '../registry/message-schema';
import type { SchemaSnapshot } from '../registry/schema-snapshot';
import { compileColumnDecoder, type ColumnDecoder } from './column-decoder-compiler';
import { compileMessageColumnConverter, type MessageColumnConverter } from './message-column-converter-compiler';
import type { RecordMetadata } from './metadata-columns';
import { compileRowMapping } from './row-converter-compiler';

/** Protobuf's own nesting limit, as MessageSchema.decode applies it. */
const MAX_DECODE_DEPTH = 100;

/**
 * Records of one message type built straight into Arrow columns, for a columnar Parquet
 * writer (libs/storage's `ColumnarParquetFileWriter.appendRecordBatch`): the columnar
 * counterpart of `parquetMapping().toRow` + `appendRows`, without row objects. The columns
 * are those of `parquetMapping(options).schema` (the same schema object), with the same
 * values toRow gives: every fixture of this library is proven equal both ways.
 *
 * `append` decodes protobuf bytes straight into the columns (strings copied as UTF-8,
 * 64-bit integers without bigints); `appendMessage` takes a message already decoded. A
 * record that fails (DecodeError, ParquetMappingError, with its field path) leaves the
 * batch as it was. `takeRecordBatch` hands the records appended so far over as one Arrow
 * record batch and starts empty again.
 */
export class ParquetColumnBatch {
  readonly messageType: string;
  readonly fingerprint: string;
  readonly schema: ParquetSchema;
  /** Footer metadata that records which schema wrote a file (as ParquetMapping's). */
  readonly keyValueMetadata: Readonly<Record<string, string>>;
  readonly arrowSchema: Schema;
  private readonly builder: RecordBatchBuilder;
  private slowPaths = 0;

  constructor(
    private readonly converters: ColumnConverters,
    private readonly context: JsonContext,
  ) {
    this.messageType = converters.messageType;
    this.fingerprint = converters.fingerprint;
    this.schema = converters.schema;
    this.keyValueMetadata = { [MESSAGE_TYPE_METADATA_KEY]: this.messageType, [FINGERPRINT_METADATA_KEY]: this.fingerprint };
    this.builder = RecordBatchBuilder.forParquetSchema(converters.schema);
    this.arrowSchema = this.builder.arrowSchema;
  }

  /** Records appended since the last takeRecordBatch. */
  get rowCount(): number {
    return this.builder.rowCount;
  }

  /**
   * Records `append` could not decode straight into the columns and decoded the slow way
   * (decode, then appendMessage), since this batch was created: those that failed, and any
   * the fast decoder is stricter about than `decode`. Zero for valid input.
   */
  get slowPathCount(): number {
    return this.slowPaths;
  }

  /** Bytes of the Arrow buffers built so far (what a writer counts against rowGroupBytes). */
  byteSize(): number {
    return this.builder.byteSize();
  }

  /**
   * Decodes protobuf bytes into the columns. Throws DecodeError where `decode` would, or
   * ParquetMappingError where `toRow` (or the writer) would refuse the message; either way
   * nothing of the record is kept.
   */
  append(bytes: Uint8Array, metadata?: RecordMetadata): void {
    try {
      this.converters.decode(bytes, metadata, this.builder.columns, this.context);
      this.builder.endRow();
      return;
    } catch {
      this.builder.rollback();
      this.slowPaths++;
    }
    // Slow path, for the precise error: decode as MessageSchema.decode does, then convert the message.
    this.appendMessage(this.converters.decodeMessage(bytes), metadata);
  }

  /** Converts a decoded message (as `decode` or `fromJson` give it) into the columns. Throws ParquetMappingError. */
  appendMessage(message: DecodedMessage, metadata?: RecordMetadata): void {
    try {
      this.converters.convert(message, metadata, this.builder.columns, this.context);
      this.builder.endRow();
    } catch (err) {
      this.builder.rollback();
      const problem = ValueProblem.from(err);
      throw new ParquetMappingError(this.messageType, problem.fieldPath, problem.reason);
    }
  }

  /** The records appended so far as one Arrow record batch of `arrowSchema`; the batch starts empty again. */
  takeRecordBatch(): RecordBatch {
    return this.builder.finish();
  }
}

export interface ColumnConverters {
  readonly messageType: string;
  readonly fingerprint: string;
  readonly schema: ParquetSchema;
  readonly convert: MessageColumnConverter;
  readonly decode: ColumnDecoder;
  /** MessageSchema.decode's behaviour: the precise DecodeError. */
  readonly decodeMessage: (bytes: Uint8Array) => DecodedMessage;
}

/**
 * A ParquetColumnBatch for a message type of a schema snapshot (a registry's
 * `snapshot()`, or `loadSchemas`), with the options of `parquetMapping`. The generated
 * converters are built once per schema version and options and cached with the schema
 * set; the batch itself (its column builders) is per caller, e.g. one per open file.
 * Throws UnknownMessageTypeError, ParquetMappingError (a schema the mapping refuses).
 */
export function createParquetColumnBatch(snapshot: SchemaSnapshot, messageType: string, options: ParquetMappingOptions = {}): ParquetColumnBatch {
  const set = snapshot.setOf(messageType);
  if (!set) throw new UnknownMessageTypeError(messageType);
  return new ParquetColumnBatch(columnConvertersOf(set, messageType, options), { resolveAny: anyResolver(snapshot), protoFieldNames: false, ignoreUnknownFields: false });
}

/**
 * The generated converters of a message type and mapping options, cached with the schema
 * set (also behind MessageSchema.parquetColumnBatch). Throws ParquetMappingError.
 */
export function columnConvertersOf(set: SchemaSet, messageType: string, options: ParquetMappingOptions): ColumnConverters {
  const recursionDepth = options.recursionDepth ?? 3;
  const recursionFallback = options.recursionFallback ?? 'json';
  const metadataColumns = options.metadataColumns ?? true;
  if (!Number.isInteger(recursionDepth) || recursionDepth < 1) {
    throw new ParquetMappingError(messageType, '', `recursionDepth must be a positive integer, got ${recursionDepth}`);
  }
  const mappingOptions = { recursionDepth, recursionFallback, metadataColumns };
  return compiledFor(set, `parquet-columns:${messageType}:${recursionDepth}:${recursionFallback}:${metadataColumns}`, (): ColumnConverters => {
    // The same cache entry as parquetMapping()'s, so the schema is the same object.
    const rows = compiledFor(set, `parquet:${messageType}:${recursionDepth}:${recursionFallback}:${metadataColumns}`, () =>
      compileRowMapping(set, messageType, mappingOptions),
    );
    const decodeMessage = decoderOf(set, messageType);
    return {
      messageType,
      fingerprint: fingerprintOf(set, messageType),
      schema: rows.schema,
      convert: compileMessageColumnConverter(set, rows.plan),
      decode: compileColumnDecoder(set, rows.plan, MAX_DECODE_DEPTH),
      decodeMessage,
    };
  });
}

/** MessageSchema.decode's behaviour (the same cached decoder): DecodeError naming the field path. */
function decoderOf(set: SchemaSet, typeName: string): (bytes: Uint8Array) => DecodedMessage {
  const decode = compiledFor(set, `decode:${typeName}`, () => compileDecoder(set, typeName, MAX_DECODE_DEPTH));
  return (bytes) => {
    if (!(bytes instanceof Uint8Array)) throw new DecodeError(typeName, '', 'expected bytes (a Uint8Array or Buffer)');
    try {
      return decode(new WireReader(bytes));
    } catch (err) {
      const problem = ValueProblem.from(err);
      throw new DecodeError(typeName, problem.fieldPath, problem.reason);
    }
  };
}

/** Any's type URLs resolved among the snapshot's types, as MessageSchema resolves them (without marking types as in use). */
function anyResolver(snapshot: SchemaSnapshot): (typeName: string) => AnyTarget | undefined {
  return (typeName) => {
    const set = snapshot.setOf(typeName);
    if (!set) return undefined;
    const decode = decoderOf(set, typeName);
    return {
      set,
      typeName,
      decode,
      encode: (message) => compiledFor(set, `encode:${typeName}:reject`, () => compileEncoder(set, typeName, 'reject'))(message),
    };
  };
}
