import { badRequest } from './errors';

/**
 * The `matchGlob` filter of `objects.list`, as a RegExp over the whole object name:
 *
 *   *              any characters except '/'
 *   **             any characters, '/' included; as a whole segment (`a/**\/b`, a leading
 *                  `**\/`) it also matches zero segments, so `a/**\/b` matches `a/b`
 *   ?              one character except '/'
 *   [abc] [a-z]    one character of the set (never '/'); `[!…]` or `[^…]` one character not in it
 *   {a,b}          any of the comma-separated alternatives, which may use all of the above
 *   \x             the character x itself
 *
 * A malformed pattern (unclosed `[` or `{`, trailing `\`, reversed range) throws 400.
 */
export function globToRegExp(glob: string): RegExp {
  const { source } = parseSequence(glob, 0, false);
  try {
    return new RegExp(`^(?:${source})$`, 'u');
  } catch (error) {
    throw badRequest(`Invalid matchGlob ${JSON.stringify(glob)}: ${(error as Error).message}`);
  }
}

const REGEXP_SYNTAX = /[\\^$.*+?()[\]{}|/]/;
const CLASS_SYNTAX = /[\\\]^[-]/;

const literal = (char: string): string => (REGEXP_SYNTAX.test(char) ? `\\${char}` : char);
const classLiteral = (char: string): string => (CLASS_SYNTAX.test(char) ? `\\${char}` : char);

function invalid(glob: string, why: string): Error {
  return badRequest(`Invalid matchGlob ${JSON.stringify(glob)}: ${why}`);
}

/** Reads glob syntax from `start` up to the end, or inside braces up to the next ',' or '}'. */
function parseSequence(glob: string, start: number, inBraces: boolean): { source: string; end: number } {
  let source = '';
  let i = start;
  while (i < glob.length) {
    const char = glob.charAt(i);
    if (inBraces && (char === ',' || char === '}')) return { source, end: i };
    switch (char) {
      case '\\':
        if (i + 1 >= glob.length) throw invalid(glob, 'it ends with an escaping backslash');
        source += literal(glob.charAt(i + 1));
        i += 2;
        break;
      case '*':
        if (glob.charAt(i + 1) !== '*') {
          source += '[^/]*';
          i += 1;
        } else if ((i === 0 || glob.charAt(i - 1) === '/') && glob.charAt(i + 2) === '/') {
          // A whole `**` segment: any number of segments, none included.
          source += '(?:[^]*/)?';
          i += 3;
        } else {
          source += '[^]*';
          i += 2;
        }
        break;
      case '?':
        source += '[^/]';
        i += 1;
        break;
      case '[': {
        const parsed = parseClass(glob, i);
        source += parsed.source;
        i = parsed.end;
        break;
      }
      case '{': {
        const alternatives: string[] = [];
        i += 1;
        for (;;) {
          const parsed = parseSequence(glob, i, true);
          alternatives.push(parsed.source);
          i = parsed.end;
          if (i >= glob.length) throw invalid(glob, 'a { is never closed');
          i += 1;
          if (glob.charAt(i - 1) === '}') break;
        }
        source += `(?:${alternatives.join('|')})`;
        break;
      }
      default: {
        // Whole code points, so that a character outside the BMP stays one character.
        const codePoint = String.fromCodePoint(glob.codePointAt(i) ?? 0);
        source += literal(codePoint);
        i += codePoint.length;
      }
    }
  }
  if (inBraces) throw invalid(glob, 'a { is never closed');
  return { source, end: i };
}

/** `[…]` from the opening bracket at `start`; a ']' right after `[`, `[!` or `[^` is a member. */
function parseClass(glob: string, start: number): { source: string; end: number } {
  let i = start + 1;
  const negated = glob.charAt(i) === '!' || glob.charAt(i) === '^';
  if (negated) i += 1;
  let members = '';
  let first = true;
  while (i < glob.length && (first || glob.charAt(i) !== ']')) {
    first = false;
    let char = glob.charAt(i);
    if (char === '\\' && i + 1 < glob.length) {
      i += 1;
      char = glob.charAt(i);
    }
    members += char === '-' && members !== '' && glob.charAt(i + 1) !== ']' ? '-' : classLiteral(char);
    i += 1;
  }
  if (i >= glob.length) throw invalid(glob, 'a [ is never closed');
  // Character classes never match the '/' that separates levels.
  return { source: negated ? `[^/${members}]` : `(?!/)[${members}]`, end: i + 1 };
}
