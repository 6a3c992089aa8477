import { produceResponse } from './produce-response';

describe('produceResponse', () => {
  it('gives one offsets entry per record: Kafka position, failover nulls, or the error code of a record not accepted', () => {
    expect(
      produceResponse([
        { status: 'kafka', partition: 2, offset: '100' },
        { status: 'failover' },
        { status: 'not-accepted', reason: 'Redis down', retriable: true },
        { status: 'not-accepted', reason: 'too large', retriable: false },
      ]),
    ).toEqual({
      offsets: [
        { partition: 2, offset: 100, error_code: null, error: null },
        { partition: null, offset: null, error_code: null, error: null },
        { partition: null, offset: null, error_code: 50003, error: 'Redis down' },
        { partition: null, offset: null, error_code: 50002, error: 'too large' },
      ],
      key_schema_id: null,
      value_schema_id: null,
    });
  });
});
