import { globToRegExp } from './match-glob';

const matching = (glob: string, names: string[]): string[] => names.filter((name) => globToRegExp(glob).test(name));

describe('matchGlob patterns', () => {
  const names = ['a.txt', 'b.csv', 'dir/a.txt', 'dir/sub/a.txt', 'dir/sub/b.csv', 'dir2/x.txt', 'ab.txt'];

  it('* stays within one level', () => {
    expect(matching('*.txt', names)).toEqual(['a.txt', 'ab.txt']);
    expect(matching('dir/*', names)).toEqual(['dir/a.txt']);
  });

  it('** crosses levels, and a whole ** segment also matches no segment', () => {
    expect(matching('**.txt', names)).toEqual(['a.txt', 'dir/a.txt', 'dir/sub/a.txt', 'dir2/x.txt', 'ab.txt']);
    expect(matching('dir/**/a.txt', names)).toEqual(['dir/a.txt', 'dir/sub/a.txt']);
    expect(matching('**/b.csv', names)).toEqual(['b.csv', 'dir/sub/b.csv']);
    expect(matching('dir/**', names)).toEqual(['dir/a.txt', 'dir/sub/a.txt', 'dir/sub/b.csv']);
  });

  it('? is one character, never a slash', () => {
    expect(matching('?.txt', names)).toEqual(['a.txt']);
    expect(matching('dir?a.txt', ['dir/a.txt', 'dirXa.txt'])).toEqual(['dirXa.txt']);
    expect(matching('?.txt', ['😀.txt'])).toEqual(['😀.txt']);
  });

  it('[...] sets, ranges and negation', () => {
    expect(matching('[ab].*', names)).toEqual(['a.txt', 'b.csv']);
    expect(matching('[a-b]b.txt', names)).toEqual(['ab.txt']);
    expect(matching('[!a]*', names)).toEqual(['b.csv']);
    expect(matching('[^a].csv', names)).toEqual(['b.csv']);
    expect(matching('dir[/]a.txt', names)).toEqual([]);
    expect(matching('[]]', [']', 'x'])).toEqual([']']);
  });

  it('{a,b} alternatives, nested and with wildcards', () => {
    expect(matching('{a,b}.{txt,csv}', names)).toEqual(['a.txt', 'b.csv']);
    expect(matching('dir/{sub/*,a}.{txt,c{s,x}v}', names)).toEqual(['dir/a.txt', 'dir/sub/a.txt', 'dir/sub/b.csv']);
  });

  it('treats regular expression syntax and escaped glob syntax as plain characters', () => {
    expect(matching('a.txt', ['a.txt', 'aXtxt'])).toEqual(['a.txt']);
    expect(matching('(x)+|y$', ['(x)+|y$', 'x'])).toEqual(['(x)+|y$']);
    expect(matching('\\*\\?\\[', ['*?[', 'a?['])).toEqual(['*?[']);
  });

  it.each(['[abc', '{a,b', 'a\\', '[z-a]'])('refuses the malformed pattern %j with 400', (glob) => {
    expect(() => globToRegExp(glob)).toThrow(expect.objectContaining({ status: 400 }));
  });
});
