import { RE2JS, RE2JSSyntaxException } from 're2js';

/**
 * RE2 regular expressions (what Kubernetes' CEL `matches`, `find` and `findAll` use, through Go's regexp), on re2js —
 * a maintained JavaScript port of RE2/J — so matching is linear in the text and a policy cannot stall a scan with a
 * pattern like `(a+)+$` (JavaScript's backtracking RegExp takes seconds on it). Perl-only syntax RE2 rejects
 * (backreferences, lookaround, possessive quantifiers) is a syntax error here too.
 */

export class Re2SyntaxError extends Error {
  constructor(readonly pattern: string, readonly reason: string) {
    super(`invalid RE2 pattern ${JSON.stringify(pattern.length > 80 ? pattern.slice(0, 80) + '…' : pattern)}: ${reason}`);
    this.name = 'Re2SyntaxError';
  }
}

export interface Re2 {
  readonly source: string;
  /** True when the pattern matches anywhere in `text` (CEL `matches`). */
  test(text: string): boolean;
  /** Leftmost-first match, or undefined (CEL `find` returns "" then). */
  find(text: string): string | undefined;
  /** Successive non-overlapping matches, at most `limit` (negative: all), as Go's FindAllString. */
  findAll(text: string, limit?: number): string[];
}

export interface Re2Limits {
  /** Longest pattern, in characters. */
  maxPatternLength: number;
  /** Most program instructions after expanding counted repetitions (RE2's own default is about 10k). */
  maxProgramSize: number;
}

export const DEFAULT_RE2_LIMITS: Readonly<Re2Limits> = Object.freeze({ maxPatternLength: 4096, maxProgramSize: 10_000 });

class Program implements Re2 {
  constructor(readonly source: string, private readonly re: RE2JS) {}

  test(text: string): boolean {
    return this.re.matcher(text).find();
  }

  find(text: string): string | undefined {
    const m = this.re.matcher(text);
    return m.find() ? (m.group() ?? '') : undefined;
  }

  findAll(text: string, limit = -1): string[] {
    const out: string[] = [];
    const m = this.re.matcher(text);
    let prevEnd = -1;
    while ((limit < 0 || out.length < limit) && m.find()) {
      // Go drops an empty match that abuts the previous match
      if (m.start() === m.end() && m.start() === prevEnd) continue;
      out.push(m.group() ?? '');
      prevEnd = m.end();
    }
    return out;
  }
}

/** Compiles an RE2 pattern; throws Re2SyntaxError for bad or unsupported syntax and for patterns past the limits. */
export function compileRe2(pattern: string, limits: Partial<Re2Limits> = {}): Re2 {
  const { maxPatternLength, maxProgramSize } = { ...DEFAULT_RE2_LIMITS, ...limits };
  if (pattern.length > maxPatternLength) throw new Re2SyntaxError(pattern, `pattern longer than ${maxPatternLength} characters`);
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (e) {
    if (e instanceof RE2JSSyntaxException) throw new Re2SyntaxError(pattern, e.message);
    throw e;
  }
  if (re.programSize() > maxProgramSize) throw new Re2SyntaxError(pattern, `program of ${re.programSize()} instructions, over ${maxProgramSize}`);
  return new Program(pattern, re);
}

/** A small cache: policies call `matches` with the same few patterns on every object. */
export function re2Cache(size = 256, limits: Partial<Re2Limits> = {}): (pattern: string) => Re2 {
  const cache = new Map<string, Re2 | Re2SyntaxError>();
  return (pattern) => {
    let hit = cache.get(pattern);
    if (hit === undefined) {
      try {
        hit = compileRe2(pattern, limits);
      } catch (e) {
        if (!(e instanceof Re2SyntaxError)) throw e;
        hit = e;
      }
      if (cache.size >= size) cache.delete(cache.keys().next().value as string);
      cache.set(pattern, hit);
    }
    if (hit instanceof Re2SyntaxError) throw hit;
    return hit;
  };
}
