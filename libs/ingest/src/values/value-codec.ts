/** A value ready for Kafka (bytes, or text sent as its UTF-8 bytes), and what it is. */
export interface EncodedValue {
  value: Buffer | string;
  contentType: string;
}

/**
 * A value that does not fit the topic: `field` is the path inside the value
 * (`items[3].price`, empty for the value as a whole).
 */
export class ValueError extends Error {
  override readonly name = 'ValueError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * How one topic's values become bytes: JSON text for topics without a
 * schema, the protobuf binary form for topics with one.
 */
export interface ValueCodec {
  /** The protobuf message type, when the topic has one. */
  readonly messageType?: string;
  /** A JSON value from a request. @throws ValueError */
  fromJson(value: unknown): EncodedValue;
  /** Bytes a producer sent as they are (protobuf body, REST Proxy binary). @throws ValueError */
  fromBytes(bytes: Buffer): EncodedValue;
}

export const JSON_CONTENT_TYPE = 'application/json';
export const BINARY_CONTENT_TYPE = 'application/octet-stream';

/**
 * Topics without a schema: JSON values are stored as their JSON text, bytes
 * as they are. The text stays a string: kafkajs and the failover writer write
 * it straight into their buffers, without a copy of ours.
 */
export const plainValueCodec: ValueCodec = {
  fromJson: (value) => ({ value: JSON.stringify(value), contentType: JSON_CONTENT_TYPE }),
  fromBytes: (bytes) => ({ value: bytes, contentType: BINARY_CONTENT_TYPE }),
};
