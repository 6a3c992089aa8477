import { resolve } from 'node:path';
import protobuf from 'protobufjs';
import { repositoryRoot } from '../apache-kafka/kafka-classpath';

/** The sample protobuf schema of the demo: apps/archiver/example/proto. */
export const SAMPLE_PROTO_DIR = 'apps/archiver/example/proto';
export const SAMPLE_PROTO_FILE = 'eventpath/example/events.proto';
export const PAGE_VIEWED = 'eventpath.example.PageViewed';
export const ORDER_PLACED = 'eventpath.example.OrderPlaced';

/** Turns the protobuf JSON form of a message into its binary form. */
export interface SampleEncoder {
  encode(messageType: string, json: unknown): Buffer;
}

/**
 * Loads the sample `.proto` file with protobufjs (which knows
 * google/protobuf/timestamp.proto). Tools cannot use libs/schemas here: its
 * tests use the tools, and the module boundaries refuse the cycle.
 */
export function loadSampleEncoder(protoFile = resolve(repositoryRoot(), SAMPLE_PROTO_DIR, SAMPLE_PROTO_FILE)): SampleEncoder {
  const root = protobuf.loadSync(protoFile);
  return {
    encode: (messageType, json) => {
      const type = root.lookupType(messageType);
      return Buffer.from(type.encode(type.fromObject(withTimestampObjects(type, json) as Record<string, unknown>)).finish());
    },
  };
}

/**
 * The JSON mapping writes a google.protobuf.Timestamp as RFC 3339 text;
 * protobufjs's `fromObject` wants `{ seconds, nanos }`: converts every such
 * field, nested messages included.
 */
function withTimestampObjects(type: protobuf.Type, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const field of type.fieldsArray) {
    const fieldValue = out[field.name];
    if (fieldValue === undefined || field.map) continue;
    const resolved = field.resolve().resolvedType;
    if (!(resolved instanceof protobuf.Type)) continue;
    const convert = (item: unknown) => (resolved.fullName === '.google.protobuf.Timestamp' && typeof item === 'string' ? timestampObject(item) : withTimestampObjects(resolved, item));
    out[field.name] = field.repeated && Array.isArray(fieldValue) ? fieldValue.map(convert) : convert(fieldValue);
  }
  return out;
}

function timestampObject(text: string): { seconds: number; nanos: number } {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new Error(`not an RFC 3339 time: ${text}`);
  return { seconds: Math.floor(ms / 1000), nanos: (((ms % 1000) + 1000) % 1000) * 1_000_000 };
}
