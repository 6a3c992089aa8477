import type { DraftEvent } from '../events/draft-event';
import { describeJson } from '../events/event-id';
import { IngestRequestError, type EventProblem } from '../events/ingest-request-error';
import { SCHEMA_REGISTRY_FORMATS, type EmbeddedFormat } from './embedded-format';
import { REST_PROXY_ERROR_CODES, REST_PROXY_MESSAGES } from './rest-proxy-error-codes';

const REQUEST_FIELDS = new Set(['records', 'key_schema', 'key_schema_id', 'value_schema', 'value_schema_id']);
const RECORD_FIELDS = new Set(['key', 'value', 'partition']);
/** Standard alphabet, padding optional (Java's Base64 decoder, which the REST Proxy uses, reads both). */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The records of a REST Proxy v2 produce request,
 * `{"records": [{"key": …, "value": …, "partition": 1}, …]}`, as drafts:
 * - `binary`: key and value are base64 strings (key optional or null);
 * - `json`: key and value are any JSON, stored as their JSON text (the
 *   proxy's JSON serializer: the key `"somekey"` is the 9 bytes `"somekey"`);
 * - `avro`, `protobuf`, `jsonschema`: refused with the documented 422
 *   (42201 when keys come without `key_schema`/`key_schema_id`, 42202 when
 *   values come without a value schema, and 422 when schemas are given: this
 *   gateway has no Schema Registry).
 * `pathPartition` is the partition of `POST /topics/{t}/partitions/{p}`.
 * Record errors are 422 with the record's index, as the proxy validates its
 * request entity; a body that is not JSON is 400. Null values are refused:
 * the gateway does not forward tombstones.
 */
export function parseProduceRecords(body: Buffer, format: EmbeddedFormat, pathPartition?: number): DraftEvent[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new IngestRequestError('bad-request', `the body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new IngestRequestError('invalid-value', `the body must be a JSON object with "records", got ${describeJson(parsed)}`);
  }
  const request = parsed as Record<string, unknown>;
  for (const field in request) {
    if (!REQUEST_FIELDS.has(field)) throw new IngestRequestError('invalid-value', `Unrecognized field "${field}"`);
  }
  const records = request['records'];
  if (!Array.isArray(records) || records.length === 0) throw new IngestRequestError('invalid-value', 'records may not be empty');
  if (SCHEMA_REGISTRY_FORMATS.has(format)) refuseSchemaRegistryFormat(format, request, records);

  const problems: EventProblem[] = [];
  const drafts = records.map((record, index) => draftFromRecord(record, index, format, pathPartition, problems));
  if (problems.length > 0) throw IngestRequestError.forProblems('invalid-value', problems.map((p) => ({ ...p, field: p.field && `records[${p.index}].${p.field}` })));
  return drafts as DraftEvent[];
}

function draftFromRecord(
  input: unknown,
  index: number,
  format: EmbeddedFormat,
  pathPartition: number | undefined,
  problems: EventProblem[],
): DraftEvent | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    problems.push({ index, message: `a record must be a JSON object, got ${describeJson(input)}` });
    return undefined;
  }
  const record = input as Record<string, unknown>;
  const before = problems.length;
  const problem = (field: string, message: string) => problems.push({ index, field, message });
  for (const field in record) {
    if (!RECORD_FIELDS.has(field)) problem(field, 'Unrecognized field (a record has key, value and partition)');
  }
  if (pathPartition !== undefined && 'partition' in record) {
    problem('partition', 'records sent to /topics/{topic}/partitions/{partition} take the partition of the path');
  }
  const partition = record['partition'];
  if (partition !== undefined && partition !== null && !(Number.isSafeInteger(partition) && (partition as number) >= 0)) {
    problem('partition', `must be a partition number (a non-negative integer), got ${describeJson(partition)}`);
  }
  const key = bytesOf(record['key'], format, 'key', problem, true);
  const value = bytesOf(record['value'], format, 'value', problem, false);
  if (problems.length > before || value === null) return undefined;
  return {
    key,
    value: format === 'json' ? { json: record['value'] } : { bytes: value },
    partition: pathPartition ?? (typeof partition === 'number' ? partition : undefined),
  };
}

/** The key's bytes (null for none), or the value's (binary) / a marker (json, converted later). */
function bytesOf(
  input: unknown,
  format: EmbeddedFormat,
  field: 'key' | 'value',
  problem: (field: string, message: string) => void,
  optional: boolean,
): Buffer | null {
  if (input === undefined || input === null) {
    if (!optional) problem(field, 'may not be null: this gateway does not forward null values (tombstones)');
    return null;
  }
  if (format === 'json') return field === 'key' ? Buffer.from(JSON.stringify(input)) : Buffer.alloc(0);
  if (typeof input !== 'string') {
    problem(field, `must be a base64 string in the binary embedded format, got ${describeJson(input)}`);
    return null;
  }
  if (!BASE64.test(input) || input.replace(/=+$/, '').length % 4 === 1) {
    problem(field, 'is not valid base64');
    return null;
  }
  return Buffer.from(input, 'base64');
}

function refuseSchemaRegistryFormat(format: EmbeddedFormat, request: Record<string, unknown>, records: unknown[]): never {
  const has = (field: string) => request[field] !== undefined && request[field] !== null;
  const anyNonNull = (field: 'key' | 'value') =>
    records.some((r) => typeof r === 'object' && r !== null && (r as Record<string, unknown>)[field] !== undefined && (r as Record<string, unknown>)[field] !== null);
  if (anyNonNull('key') && !has('key_schema') && !has('key_schema_id')) {
    throw new IngestRequestError('schema-registry-format', REST_PROXY_MESSAGES.keySchemaMissing, { errorCode: REST_PROXY_ERROR_CODES.keySchemaMissing });
  }
  if (anyNonNull('value') && !has('value_schema') && !has('value_schema_id')) {
    throw new IngestRequestError('schema-registry-format', REST_PROXY_MESSAGES.valueSchemaMissing, {
      errorCode: REST_PROXY_ERROR_CODES.valueSchemaMissing,
    });
  }
  throw new IngestRequestError(
    'schema-registry-format',
    `the ${format} embedded format needs a Schema Registry, which this gateway does not use: produce with ` +
      'application/vnd.kafka.binary.v2+json or application/vnd.kafka.json.v2+json, or with the native API ' +
      '(protobuf schemas are configured on the gateway)',
  );
}
