import { MessageValueError, type MessageSchema } from '@eventpath/schemas';
import { ValueError, type EncodedValue, type ValueCodec } from './value-codec';

/** The content type of a protobuf value of `messageType`. */
export function protobufContentType(messageType: string): string {
  return `application/x-protobuf; messageType=${messageType}`;
}

/**
 * A topic with a protobuf schema: JSON values follow the protobuf JSON
 * mapping and are converted to the binary form; binary values are decoded
 * once to prove they are valid and stored as sent. Either way the fronting
 * Kafka holds the schema's binary form.
 */
export function protobufValueCodec(schema: MessageSchema): ValueCodec {
  const contentType = protobufContentType(schema.name);
  const convert = (run: () => Buffer): EncodedValue => {
    try {
      return { value: run(), contentType };
    } catch (error) {
      if (error instanceof MessageValueError) throw new ValueError(error.fieldPath, `${error.messageType}: ${error.reason}`);
      throw error;
    }
  };
  return {
    messageType: schema.name,
    fromJson: (value) =>
      convert(() => {
        const encoded = schema.encode(schema.fromJson(value));
        return Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength);
      }),
    fromBytes: (bytes) =>
      convert(() => {
        schema.decode(bytes);
        return bytes;
      }),
  };
}
