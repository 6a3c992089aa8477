/**
 * The typical event of the benchmarks as protobuf: ~20 fields with nested, repeated, map,
 * oneof, Timestamp and wrapper fields. schemas.bench.ts decodes it; storage.bench.ts writes
 * it to Parquet end to end (bytes in, file out).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { seededRandom } from '@eventpath/dev-infra';
import * as schemasLib from '@eventpath/schemas';
import type { DecodedMessage, MessageSchema, SchemaSnapshot } from '@eventpath/schemas';

export const TYPE_NAME = 'bench.events.TypicalEvent';

export const TYPICAL_EVENT_PROTO = `
syntax = "proto3";
package bench.events;

import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";

message TypicalEvent {
  string event_id = 1;
  EventType event_type = 2;
  google.protobuf.Timestamp event_time = 3;
  Producer producer = 4;
  optional uint64 user_id = 5;
  optional string session_id = 6;
  string country = 7;
  Device device = 8;
  google.protobuf.DoubleValue amount = 9;
  string currency = 10;
  repeated Item items = 11;
  repeated string tags = 12;
  map<string, string> attributes = 13;
  bool is_test = 14;
  int32 schema_version = 15;
  bytes raw_payload = 16;
  int64 total_micros = 17;
  oneof source {
    string campaign_id = 18;
    string referrer_url = 19;
  }
  sint32 timezone_offset_minutes = 20;

  enum EventType {
    EVENT_TYPE_UNSPECIFIED = 0;
    EVENT_TYPE_VIEW = 1;
    EVENT_TYPE_CART = 2;
    EVENT_TYPE_PURCHASE = 3;
  }
}

message Producer {
  string app = 1;
  string version = 2;
  string host = 3;
}

message Device {
  string os = 1;
  string model = 2;
  uint32 screen_width = 3;
}

message Item {
  string sku = 1;
  int32 quantity = 2;
  double unit_price = 3;
}
`;

/** Events in the decoded representation; index-dependent so no two are alike. */
export function typicalEvents(count: number, first = 0): DecodedMessage[] {
  const next = seededRandom(42);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)];
  return Array.from({ length: count }, (_, at) => {
    const index = first + at;
    const items = Array.from({ length: 1 + Math.floor(next() * 4) }, (__, item) => ({
      sku: `SKU-${Math.floor(next() * 100_000)}-${item}`,
      quantity: 1 + Math.floor(next() * 5),
      unit_price: Math.round(next() * 100_000) / 100,
    }));
    const event: DecodedMessage = {
      event_id: `evt-${index.toString(36)}-${Math.floor(next() * 1e9).toString(36)}`,
      event_type: pick(['EVENT_TYPE_VIEW', 'EVENT_TYPE_CART', 'EVENT_TYPE_PURCHASE']),
      event_time: { seconds: 1714564800n + BigInt(index), nanos: Math.floor(next() * 1e6) * 1000 },
      producer: { app: pick(['web', 'ios', 'android']), version: `4.${Math.floor(next() * 20)}.0`, host: `pod-${Math.floor(next() * 64)}` },
      user_id: BigInt(Math.floor(next() * 2 ** 40)),
      session_id: `s-${Math.floor(next() * 1e12).toString(36)}`,
      country: pick(['ID', 'SG', 'VN', 'TH', 'PH']),
      device: { os: pick(['android 14', 'ios 17.4']), model: pick(['Pixel 8', 'iPhone 15', 'Galaxy S24']), screen_width: pick([390, 412, 1080]) },
      amount: { value: Math.round(next() * 1e7) / 100 },
      currency: 'IDR',
      items,
      tags: ['promo', pick(['new-user', 'returning']), pick(['a', 'b'])],
      attributes: new Map([
        ['experiment', pick(['control', 'variant-a'])],
        ['channel', pick(['organic', 'paid'])],
      ]),
      is_test: false,
      schema_version: 3,
      raw_payload: new Uint8Array(Array.from({ length: 16 }, () => Math.floor(next() * 256))),
      total_micros: BigInt(Math.floor(next() * 1e12)),
      timezone_offset_minutes: pick([420, 480, -300]),
    };
    if (index % 2 === 0) event.campaign_id = `cmp-${index % 97}`;
    else event.referrer_url = 'https://example.com/landing';
    return event;
  });
}

/** The typical event's schema, loaded from a .proto file written under `workDir`. */
export async function loadBenchSnapshot(workDir: string): Promise<{ snapshot: SchemaSnapshot; schema: MessageSchema }> {
  const { loadSchemas } = schemasLib;
  const directory = join(workDir, 'protos');
  await mkdir(join(directory, 'bench'), { recursive: true });
  await writeFile(join(directory, 'bench', 'events.proto'), TYPICAL_EVENT_PROTO);
  const snapshot = await loadSchemas([{ kind: 'protoDirectory', name: 'bench', directory }]);
  return { snapshot, schema: snapshot.messageType(TYPE_NAME) };
}
