/** A ParquetSchema that is malformed: duplicate names, a logical type on the wrong physical type ... */
export class ParquetSchemaError extends Error {
  override readonly name: string = 'ParquetSchemaError';

  constructor(readonly problems: string[]) {
    super(`Invalid Parquet schema:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

/**
 * A valid schema that one writer implementation cannot write exactly (see the README's
 * table). Raised when the writer is created, before anything is written.
 */
export class UnsupportedParquetSchemaError extends ParquetSchemaError {
  override readonly name = 'UnsupportedParquetSchemaError';

  constructor(
    readonly implementation: string,
    problems: string[],
  ) {
    super(problems);
    this.message = `${implementation} cannot write this schema exactly:\n${problems.map((p) => `  ${p}`).join('\n')}`;
  }
}

/** A row value that does not fit its column. No row of the batch it came in was written. */
export class ParquetRowError extends Error {
  override readonly name = 'ParquetRowError';

  constructor(
    /** Index of the row in the batch given to appendRows. */
    readonly rowIndex: number,
    /** The field, e.g. `payload.items[].price`. */
    readonly fieldPath: string,
    readonly reason: string,
  ) {
    super(`Row ${rowIndex}, field ${fieldPath}: ${reason}`);
  }
}

/** appendRows, setKeyValueMetadata or close after the writer was closed, aborted or failed. */
export class ParquetWriterStateError extends Error {
  override readonly name = 'ParquetWriterStateError';
}

/** A record batch given to appendRecordBatch that does not fit the writer's schema. None of its rows was written. */
export class ParquetRecordBatchError extends Error {
  override readonly name = 'ParquetRecordBatchError';

  constructor(readonly problems: string[]) {
    super(`The record batch does not fit the writer's schema:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}
