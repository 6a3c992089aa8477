import { embeddedFormatOf } from './embedded-format';

describe('embeddedFormatOf', () => {
  it('reads the embedded format of v2 content types, binary for the less specific ones and none, nothing for v1 or others', () => {
    expect(embeddedFormatOf('application/vnd.kafka.binary.v2+json')).toBe('binary');
    expect(embeddedFormatOf('application/vnd.kafka.json.v2+json; charset=UTF-8')).toBe('json');
    expect(embeddedFormatOf('application/vnd.kafka.avro.v2+json')).toBe('avro');
    expect(embeddedFormatOf('application/vnd.kafka.protobuf.v2+json')).toBe('protobuf');
    expect(embeddedFormatOf('application/vnd.kafka.jsonschema.v2+json')).toBe('jsonschema');
    for (const lessSpecific of ['application/vnd.kafka.v2+json', 'application/vnd.kafka+json', 'application/json', 'application/octet-stream', undefined]) {
      expect(embeddedFormatOf(lessSpecific)).toBe('binary');
    }
    expect(embeddedFormatOf('application/vnd.kafka.binary.v1+json')).toBeUndefined();
    expect(embeddedFormatOf('text/plain')).toBeUndefined();
  });
});
