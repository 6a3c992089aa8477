import { parseTopicSpec } from './topic-spec';

describe('parseTopicSpec', () => {
  it('reads the command-line form name:partitions', () => {
    expect(parseTopicSpec('events:4')).toEqual({ name: 'events', partitions: 4 });
    expect(parseTopicSpec('a.b-c_d:12')).toEqual({ name: 'a.b-c_d', partitions: 12 });
  });

  it('passes the object form through', () => {
    expect(parseTopicSpec({ name: 'events', partitions: 2 })).toEqual({ name: 'events', partitions: 2 });
  });

  it.each(['events', 'events:', ':3', 'events:two'])('rejects %j', (spec) => {
    expect(() => parseTopicSpec(spec)).toThrow(/name:partitions/);
  });
});
