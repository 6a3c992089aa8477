import type { MessageSchema } from '@eventpath/schemas';
import { protobufValueCodec } from './protobuf-value-codec';
import { plainValueCodec, type ValueCodec } from './value-codec';

/** Where the current schema of a topic comes from: `@eventpath/schemas`' SchemaRegistry fits. */
export interface MessageTypeLookup {
  messageTypeForTopic(topic: string): MessageSchema;
}

/**
 * The value codec of every topic: protobuf for the topics mapped to a
 * message type, plain for the others. The registry is asked on every call,
 * so a schema updated at run time applies to the next request; codecs are
 * kept per schema version.
 */
export class TopicValueCodecs {
  private readonly codecs = new WeakMap<MessageSchema, ValueCodec>();

  constructor(
    private readonly schemaTopics: ReadonlySet<string> = new Set(),
    private readonly schemas?: MessageTypeLookup,
  ) {
    if (schemaTopics.size > 0 && !schemas) throw new TypeError('topics with a schema need a schema registry');
  }

  /** Whether the topic's values follow a protobuf schema. */
  hasSchema(topic: string): boolean {
    return this.schemaTopics.has(topic);
  }

  codecFor(topic: string): ValueCodec {
    if (!this.schemas || !this.schemaTopics.has(topic)) return plainValueCodec;
    const schema = this.schemas.messageTypeForTopic(topic);
    let codec = this.codecs.get(schema);
    if (!codec) this.codecs.set(schema, (codec = protobufValueCodec(schema)));
    return codec;
  }
}
