// The parts of parquetjs-lite 0.8.7 this library uses (the package ships no types).
declare module 'parquetjs-lite' {
  import type { Writable } from 'node:stream';

  export interface FieldDefinition {
    type?: string;
    optional?: boolean;
    repeated?: boolean;
    compression?: string;
    statistics?: boolean;
    fields?: Record<string, FieldDefinition>;
  }

  export interface SchemaField {
    name: string;
    path: string[];
    repetitionType: 'REQUIRED' | 'OPTIONAL' | 'REPEATED';
    isNested?: boolean;
    /** Children of a nested field. */
    fieldCount?: number;
    primitiveType?: string;
    /** The type name (`UTF8`, `LIST`, `eventpath:INT64` ...), looked up in ConvertedType for the footer. */
    originalType?: string;
    typeLength?: number;
  }

  export class ParquetSchema {
    constructor(definition: Record<string, FieldDefinition>);
    fields: Record<string, unknown>;
    fieldList: SchemaField[];
  }

  /** Rows of one row group, shredded: encoded pages per leaf column, keyed by its path joined with `,`. */
  export interface RowBuffer {
    rowCount: number;
    pages: Record<string, { page: Buffer }[]>;
  }

  /** The thrift RowGroup objects the envelope writer keeps for the footer (the fields this library touches). */
  export interface RowGroupMetadata {
    num_rows: number;
    total_byte_size: number;
    columns: { meta_data: { total_uncompressed_size: number; total_compressed_size: number } }[];
  }

  export interface WriterOptions {
    rowGroupSize?: number;
    pageSize?: number;
    useDataPageV2?: boolean;
    pageIndex?: boolean;
  }

  export class ParquetEnvelopeWriter {
    constructor(
      schema: ParquetSchema,
      writeFn: (buffer: Buffer) => Promise<void> | void,
      closeFn: () => Promise<void> | void,
      fileOffset: number,
      options: WriterOptions,
    );
    /** Bytes written so far. */
    offset: number;
    schema: ParquetSchema;
    rowCount: number;
    rowGroups: RowGroupMetadata[];
    writeSection(buffer: Buffer): Promise<void>;
    writeRowGroup(records: RowBuffer): Promise<void>;
    writeFooter(userMetadata: Record<string, string>): Promise<void>;
  }

  export class ParquetWriter {
    static openFile(schema: ParquetSchema, path: string, options?: WriterOptions): Promise<ParquetWriter>;
    static openStream(schema: ParquetSchema, stream: Writable, options?: WriterOptions): Promise<ParquetWriter>;
    constructor(schema: ParquetSchema, envelopeWriter: ParquetEnvelopeWriter, options: WriterOptions);
    envelopeWriter: ParquetEnvelopeWriter;
    appendRow(row: Record<string, unknown>): Promise<void>;
    close(): Promise<void>;
    setMetadata(key: string, value: string): void;
    setRowGroupSize(rows: number): void;
  }
}

declare module 'parquetjs-lite/lib/types' {
  export const PARQUET_LOGICAL_TYPES: Record<
    string,
    { primitiveType: string; originalType?: string; toPrimitive: (value: unknown) => unknown; fromPrimitive?: (value: unknown) => unknown }
  >;
}

declare module 'parquetjs-lite/gen-nodejs/parquet_types' {
  export const ConvertedType: Record<string, number>;
  export const FieldRepetitionType: Record<string, number>;
  export const Type: Record<string, number>;

  /** Generated Thrift structs: constructed from their fields, serialised by lib/util's serializeThrift. */
  class ThriftStruct {
    constructor(fields?: Record<string, unknown>);
    [field: string]: unknown;
  }
  export class FileMetaData extends ThriftStruct {}
  export class ColumnIndex extends ThriftStruct {}
  export class SchemaElement extends ThriftStruct {}
  export class KeyValue extends ThriftStruct {}
  export class LogicalType extends ThriftStruct {}
  export class TimestampType extends ThriftStruct {}
  export class TimeUnit extends ThriftStruct {}
  export class MilliSeconds extends ThriftStruct {}
  export class MicroSeconds extends ThriftStruct {}
  export class PageHeader extends ThriftStruct {
    uncompressed_page_size: number;
  }
}

declare module 'parquetjs-lite/lib/util' {
  export function serializeThrift(struct: object): Buffer;
  /** Reads `struct` from `buffer` at `offset`; returns the bytes read. */
  export function decodeThrift(struct: object, buffer: Buffer, offset?: number): number;
  export function oswrite(stream: import('node:stream').Writable, buffer: Buffer): Promise<void>;
  export function osend(stream: import('node:stream').Writable): Promise<void>;
}
