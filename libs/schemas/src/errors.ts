/** A schema source's content cannot be turned into a usable schema (syntax error, unresolved import, bad descriptor set). */
export class InvalidSchemaError extends Error {
  override readonly name = 'InvalidSchemaError';
  constructor(
    readonly reason: string,
    readonly source?: string,
  ) {
    super(source ? `schema source ${source}: ${reason}` : reason);
  }
}

/** A schema source could not be read (HTTP error, missing file or object, timeout). */
export class SchemaFetchError extends Error {
  override readonly name = 'SchemaFetchError';
  constructor(
    readonly source: string,
    readonly reason: string,
  ) {
    super(`schema source ${source}: ${reason}`);
  }
}

/** The registry's configuration cannot work (duplicate source names, a topic mapped to an unknown type ...). */
export class SchemaRegistryConfigError extends Error {
  override readonly name = 'SchemaRegistryConfigError';
}

export class UnknownMessageTypeError extends Error {
  override readonly name = 'UnknownMessageTypeError';
  constructor(readonly messageType: string) {
    super(`unknown message type ${messageType}`);
  }
}

export class UnknownTopicError extends Error {
  override readonly name = 'UnknownTopicError';
  constructor(readonly topic: string) {
    super(`no message type is configured for topic ${topic}`);
  }
}

/**
 * A value does not fit its message type. `fieldPath` is where, from the top
 * message: `items[3].price`, `labels["env"]`; empty for the message itself.
 * The message reads `<type>: <path>: <reason>`, fit to return to a producer.
 */
export abstract class MessageValueError extends Error {
  constructor(
    readonly messageType: string,
    readonly fieldPath: string,
    readonly reason: string,
  ) {
    super(`${messageType}${fieldPath ? `: ${fieldPath}` : ''}: ${reason}`);
  }
}

/** Bytes are not a valid encoding of the message type. */
export class DecodeError extends MessageValueError {
  override readonly name = 'DecodeError';
}

/** An object cannot be encoded as the message type. */
export class EncodeError extends MessageValueError {
  override readonly name = 'EncodeError';
}

/** JSON does not follow the protobuf JSON mapping for the message type, or a message cannot be shown as JSON. */
export class JsonMappingError extends MessageValueError {
  override readonly name = 'JsonMappingError';
}

/** A message type cannot be mapped to Parquet, or a message does not fit the derived Parquet schema. */
export class ParquetMappingError extends MessageValueError {
  override readonly name = 'ParquetMappingError';
}
