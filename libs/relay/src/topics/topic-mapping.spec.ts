import { TopicMapping, TopicMappingError } from './topic-mapping';

describe('TopicMapping', () => {
  it('keeps names by default', () => {
    expect(TopicMapping.parse(undefined).target('events')).toBe('events');
    expect(TopicMapping.parse('').entries()).toEqual([]);
  });

  it('renames the mapped topics and keeps the others', () => {
    const mapping = TopicMapping.parse('events:events-v2, clicks : clicks-raw');
    expect(mapping.target('events')).toBe('events-v2');
    expect(mapping.target('clicks')).toBe('clicks-raw');
    expect(mapping.target('other')).toBe('other');
    expect(mapping.entries()).toEqual([
      ['events', 'events-v2'],
      ['clicks', 'clicks-raw'],
    ]);
  });

  it.each([
    ['events', /"events" is not a "fronting:mainstream" pair/],
    ['a:b:c', /not a "fronting:mainstream" pair/],
    ['a:', /not a "fronting:mainstream" pair/],
    ['a:b,a:c', /"a" is mapped twice/],
    ['a:b c', /"b c" is not a Kafka topic name/],
  ])('refuses %j saying why', (text, message) => {
    expect(() => TopicMapping.parse(text)).toThrow(TopicMappingError);
    expect(() => TopicMapping.parse(text)).toThrow(message);
  });
});
