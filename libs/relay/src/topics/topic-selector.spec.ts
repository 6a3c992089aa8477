import { TopicSelector, TopicSelectorError } from './topic-selector';

describe('TopicSelector', () => {
  it('selects every topic but system ones when empty', () => {
    for (const text of [undefined, '', '  ']) {
      const selector = TopicSelector.parse(text);
      expect(selector.matches('events')).toBe(true);
      expect(selector.matches('__consumer_offsets')).toBe(false);
      expect(selector.matches('_schemas')).toBe(false);
      expect(selector.listed).toBeUndefined();
    }
  });

  it('selects the names of a comma-separated list', () => {
    const selector = TopicSelector.parse(' events, clicks ,');
    expect(selector.listed).toEqual(['events', 'clicks']);
    expect(selector.matches('events')).toBe(true);
    expect(selector.matches('clicks')).toBe(true);
    expect(selector.matches('other')).toBe(false);
  });

  it('selects by /regex/ with flags, never Kafka internal topics', () => {
    const selector = TopicSelector.parse('/^ev.*s$/i');
    expect(selector.matches('EVENTS')).toBe(true);
    expect(selector.matches('events-x')).toBe(false);
    expect(TopicSelector.parse('/.*/').matches('__consumer_offsets')).toBe(false);
    expect(TopicSelector.parse('/.*/').matches('_schemas')).toBe(true);
    expect(TopicSelector.parse('/x/g').matches('x')).toBe(true);
    // A stateful (global) regex would alternate true/false on repeated tests.
    const global = TopicSelector.parse('/x/g');
    expect([global.matches('x'), global.matches('x')]).toEqual([true, true]);
  });

  it.each([
    ['/(/', /not a valid regular expression/],
    ['//', /empty/],
    ['/abc', /must end with "\/"/],
    ['ok,bad name', /"bad name" is not a Kafka topic name/],
    [',', /lists no topic/],
  ])('refuses %j saying why', (text, message) => {
    expect(() => TopicSelector.parse(text)).toThrow(TopicSelectorError);
    expect(() => TopicSelector.parse(text)).toThrow(message);
  });
});
