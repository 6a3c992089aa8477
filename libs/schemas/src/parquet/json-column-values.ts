import type { DecodedMessage } from '../codec/decoder-compiler';
import { jsonCodecFor, type JsonContext } from '../json/json-codec';
import type { JsonValue } from '../json/json-scalars';
import type { SchemaSet } from '../model/schema-model';
import { ANY } from './mapping-plan';

/**
 * The text of a JSON column: the protobuf JSON mapping of a message (Struct, Value,
 * ListValue, Any, or a subtree cut by the recursion depth). An Any naming a type the
 * registry lacks is kept as `{"@type", "value": base64}`: the archive must not lose an
 * event for it.
 */
export function jsonColumnText(set: SchemaSet, typeName: string, message: DecodedMessage, context: JsonContext): string {
  let json: JsonValue;
  try {
    json = jsonCodecFor(set, typeName).toJson(message, context);
  } catch (err) {
    if (typeName !== ANY) throw err;
    json = { '@type': String(message.type_url ?? ''), value: Buffer.from((message.value as Uint8Array) ?? []).toString('base64') };
  }
  return JSON.stringify(json);
}
