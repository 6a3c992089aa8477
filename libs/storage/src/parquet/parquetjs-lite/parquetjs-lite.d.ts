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

  export class ParquetSchema {
    constructor(definition: Record<string, FieldDefinition>);
    fieldList: { name: string; path: string[]; isNested?: boolean }[];
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
}
