import { ConfigError } from './config-error';
import { ConfigProblems } from './config-problems';

describe('ConfigProblems', () => {
  it('keeps the problems of every failed load and returns the values of the others', () => {
    const collected = new ConfigProblems();
    expect(collected.attempt(() => 1)).toBe(1);
    expect(collected.attempt(() => { throw new ConfigError([{ key: 'A', reason: 'wrong' }]); })).toBeUndefined();
    expect(collected.attempt(() => { throw new ConfigError([{ key: 'B', reason: 'missing' }]); })).toBeUndefined();
    expect(collected.problems.map((p) => p.key)).toEqual(['A', 'B']);
  });

  it('lets other errors through', () => {
    expect(() => new ConfigProblems().attempt(() => { throw new TypeError('bug'); })).toThrow(TypeError);
  });
});
