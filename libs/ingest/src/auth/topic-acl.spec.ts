import { TopicAcl, topicPatternProblem } from './topic-acl';

describe('TopicAcl', () => {
  it('allows exact names, prefixes ending in * and everything for *', () => {
    const acl = new TopicAcl(['orders', 'rides.*']);
    expect(['orders', 'rides.booked', 'rides.'].map((t) => acl.allows(t))).toEqual([true, true, true]);
    expect(['orders-eu', 'ride', 'other'].map((t) => acl.allows(t))).toEqual([false, false, false]);
    expect(new TopicAcl(['*']).allows('anything')).toBe(true);
    expect(new TopicAcl([]).allows('orders')).toBe(false);
  });

  it('refuses patterns that are neither a name nor a prefix', () => {
    expect(topicPatternProblem('a*b')).toMatch(/not a topic name or prefix/);
    expect(topicPatternProblem('**')).toMatch(/not a topic name or prefix/);
    expect(topicPatternProblem('has space')).toBeDefined();
    expect(topicPatternProblem('ok.prefix*')).toBeUndefined();
    expect(() => new TopicAcl(['a*b'])).toThrow(TypeError);
  });
});
