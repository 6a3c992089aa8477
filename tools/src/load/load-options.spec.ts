import { LoadOptionError, parseDuration, parseLoadOptions, parseTopics, type LoadCliOptions } from './load-options';

const defaults: LoadCliOptions = {
  url: 'http://127.0.0.1:8082',
  rate: '100',
  batchRatio: '0.3',
  protobufRatio: '0.5',
  batchSize: '50',
  topics: 'events,orders',
  concurrency: '64',
  timeout: '10s',
};

describe('load options', () => {
  it('parses durations', () => {
    expect(parseDuration('30s', '--duration')).toBe(30_000);
    expect(parseDuration('1m30s', '--duration')).toBe(90_000);
    expect(parseDuration('250ms', '--duration')).toBe(250);
    expect(parseDuration('2', '--duration')).toBe(2000);
    expect(() => parseDuration('soon', '--duration')).toThrow('--duration: expected a duration');
    expect(() => parseDuration('5x', '--duration')).toThrow(LoadOptionError);
  });

  it('maps topics to the message types of the sample schema', () => {
    expect(parseTopics('events,orders,clicks,refunds=OrderPlaced').messageTypes).toEqual({
      events: 'eventpath.example.PageViewed',
      orders: 'eventpath.example.OrderPlaced',
      clicks: 'eventpath.example.PageViewed',
      refunds: 'eventpath.example.OrderPlaced',
    });
    expect(() => parseTopics('events=foo.Bar')).toThrow('--topics: events=foo.Bar');
    expect(() => parseTopics(' , ')).toThrow('--topics: name at least one topic');
    expect(() => parseTopics('bad topic')).toThrow('is not a Kafka topic name');
  });

  it('defaults to 30 s when neither a duration nor a count is given', () => {
    expect(parseLoadOptions(defaults)).toMatchObject({ durationMs: 30_000, count: undefined, rate: 100, maxBatchSize: 50 });
    expect(parseLoadOptions({ ...defaults, count: '500' })).toMatchObject({ durationMs: undefined, count: 500 });
  });

  it('names the wrong option and why', () => {
    expect(() => parseLoadOptions({ ...defaults, rate: '0' })).toThrow('--rate: must be above 0');
    expect(() => parseLoadOptions({ ...defaults, batchRatio: '1.5' })).toThrow('--batch-ratio: must be a share between 0 and 1');
    expect(() => parseLoadOptions({ ...defaults, protobufRatio: '' })).toThrow('--protobuf-ratio');
    expect(() => parseLoadOptions({ ...defaults, count: '2.5' })).toThrow('--count: must be a whole number');
    expect(() => parseLoadOptions({ ...defaults, url: 'localhost' })).toThrow('--url: must be a URL');
  });
});
