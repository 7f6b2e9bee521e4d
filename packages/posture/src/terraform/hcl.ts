import { err, ok, InputError, LimitError } from '@bulwark/core';
import type { Result, SourceRange } from '@bulwark/core';

/** HCL2 native syntax AST (https://github.com/hashicorp/hcl/blob/main/hclsyntax/spec.md), with 1-based lines. */
export interface HclBody {
  attributes: HclAttribute[];
  blocks: HclBlock[];
}

export interface HclAttribute {
  name: string;
  expr: Expr;
  range: SourceRange;
}

export interface HclBlock {
  type: string;
  labels: string[];
  body: HclBody;
  range: SourceRange;
}

export type Expr =
  | { kind: 'literal'; value: string | number | boolean | null; line: number }
  | { kind: 'template'; parts: (string | Expr)[]; line: number }
  | { kind: 'tuple'; items: Expr[]; line: number }
  | { kind: 'object'; items: { key: Expr; value: Expr; line: number }[]; line: number }
  | { kind: 'var'; name: string; line: number }
  | { kind: 'attr'; target: Expr; name: string; line: number }
  | { kind: 'index'; target: Expr; index: Expr; line: number }
  | { kind: 'splat'; target: Expr; line: number }
  | { kind: 'call'; name: string; args: Expr[]; line: number }
  | { kind: 'unary'; op: '!' | '-'; operand: Expr; line: number }
  | { kind: 'binary'; op: string; left: Expr; right: Expr; line: number }
  | { kind: 'cond'; test: Expr; then: Expr; else: Expr; line: number }
  | { kind: 'for'; line: number };

export interface HclLimits {
  maxBytes: number;
  maxDepth: number;
}

export const DEFAULT_HCL_LIMITS: HclLimits = { maxBytes: 8 * 1024 * 1024, maxDepth: 128 };

class Fail extends Error {
  constructor(
    readonly line: number,
    readonly what: string,
    readonly limit?: string,
  ) {
    super(what);
  }
}

const BINARY_PRECEDENCE: Record<string, number> = {
  '||': 1,
  '&&': 2,
  '==': 3,
  '!=': 3,
  '<': 4,
  '>': 4,
  '<=': 4,
  '>=': 4,
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
  '%': 6,
};

/** Parses one .tf file. Syntax errors are InputErrors naming file and line; nesting and size past limits LimitErrors. */
export function parseHcl(file: string, src: string, limits: HclLimits = DEFAULT_HCL_LIMITS): Result<HclBody, InputError> {
  if (src.length > limits.maxBytes) return err(new LimitError({ file, limit: `maxBytes=${limits.maxBytes}` }));
  const p = new Parser(src, limits.maxDepth);
  try {
    const body = p.body(true);
    return ok(body);
  } catch (e) {
    if (e instanceof Fail) {
      if (e.limit) return err(new LimitError({ file, limit: e.limit, field: `line ${e.line}` }));
      return err(new InputError({ file, field: `line ${e.line}`, message: e.what }));
    }
    if (e instanceof RangeError) return err(new LimitError({ file, limit: 'stack depth' }));
    throw e;
  }
}

class Parser {
  private pos = 0;
  private line = 1;
  /** >0 inside (), [] and {} of expressions, where newlines are insignificant. */
  private nest = 0;
  private depth = 0;

  constructor(
    private readonly s: string,
    private readonly maxDepth: number,
  ) {}

  private fail(what: string): never {
    throw new Fail(this.line, what);
  }

  private enter(): void {
    if (++this.depth > this.maxDepth) throw new Fail(this.line, 'nesting too deep', `maxDepth=${this.maxDepth}`);
  }

  private leave(): void {
    this.depth--;
  }

  private peek(n = 0): string {
    return this.s[this.pos + n] ?? '';
  }

  private advance(n = 1): void {
    for (let i = 0; i < n; i++) {
      if (this.s[this.pos] === '\n') this.line++;
      this.pos++;
    }
  }

  /** Skips spaces and comments; newlines too when `newlines` (or inside expression brackets). */
  private ws(newlines = this.nest > 0): void {
    for (;;) {
      const c = this.peek();
      if (c === ' ' || c === '\t' || c === '\r') this.advance();
      else if (c === '\n' && newlines) this.advance();
      else if (c === '#' || (c === '/' && this.peek(1) === '/')) {
        while (this.pos < this.s.length && this.peek() !== '\n') this.advance();
      } else if (c === '/' && this.peek(1) === '*') {
        const end = this.s.indexOf('*/', this.pos + 2);
        if (end < 0) this.fail('unterminated comment');
        this.advance(end + 2 - this.pos);
      } else return;
    }
  }

  private eat(tok: string): boolean {
    if (this.s.startsWith(tok, this.pos)) {
      this.advance(tok.length);
      return true;
    }
    return false;
  }

  private expect(tok: string): void {
    this.ws();
    if (!this.eat(tok)) this.fail(`expected "${tok}"`);
  }

  private ident(): string | undefined {
    const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(this.s.slice(this.pos, this.pos + 256));
    if (!m) return undefined;
    this.advance(m[0].length);
    return m[0];
  }

  body(top: boolean): HclBody {
    this.enter();
    const body: HclBody = { attributes: [], blocks: [] };
    const saved = this.nest;
    this.nest = 0;
    for (;;) {
      this.ws(true);
      if (this.pos >= this.s.length) {
        if (!top) this.fail('unexpected end of file, expected "}"');
        break;
      }
      if (this.peek() === '}') {
        if (top) this.fail('unexpected "}"');
        break;
      }
      const startLine = this.line;
      const name = this.ident();
      if (name === undefined) this.fail(`unexpected character ${JSON.stringify(this.peek())}`);
      this.ws(false);
      if (this.peek() === '=' && this.peek(1) !== '=') {
        this.advance();
        const expr = this.expr();
        body.attributes.push({ name, expr, range: { startLine, endLine: this.line } });
        this.endOfItem();
        continue;
      }
      const labels: string[] = [];
      for (;;) {
        this.ws(false);
        if (this.peek() === '"') {
          const t = this.template();
          if (t.kind !== 'template' || t.parts.some((x) => typeof x !== 'string')) this.fail('block label must be a plain string');
          labels.push((t.parts as string[]).join(''));
        } else if (this.peek() === '{') break;
        else {
          const l = this.ident();
          if (l === undefined) this.fail('expected block label or "{"');
          labels.push(l);
        }
      }
      this.advance();
      const inner = this.body(false);
      this.advance(); // '}'
      body.blocks.push({ type: name, labels, body: inner, range: { startLine, endLine: this.line } });
      this.endOfItem();
    }
    this.nest = saved;
    this.leave();
    return body;
  }

  private endOfItem(): void {
    this.ws(false);
    const c = this.peek();
    if (c === '\n') this.advance();
    else if (c !== '}' && c !== '') this.fail(`expected newline, got ${JSON.stringify(c)}`);
  }

  expr(): Expr {
    this.enter();
    const test = this.binary(0);
    this.ws();
    let out = test;
    if (this.peek() === '?') {
      const line = this.line;
      this.advance();
      this.nest++;
      const then = this.expr();
      this.expect(':');
      this.nest--;
      const other = this.expr();
      out = { kind: 'cond', test, then, else: other, line };
    }
    this.leave();
    return out;
  }

  private binOp(): string | undefined {
    for (const op of ['||', '&&', '==', '!=', '<=', '>=', '<', '>', '+', '-', '*', '/', '%']) {
      if (this.s.startsWith(op, this.pos)) {
        // "=>" and "<<" (heredoc) are not comparison operators here.
        if (op === '>' && this.s[this.pos - 1] === '=') return undefined;
        if (op === '/' && (this.peek(1) === '/' || this.peek(1) === '*')) return undefined;
        return op;
      }
    }
    return undefined;
  }

  private binary(minPrec: number): Expr {
    let left = this.unary();
    for (;;) {
      this.ws();
      const op = this.binOp();
      if (op === undefined) return left;
      const prec = BINARY_PRECEDENCE[op]!;
      if (prec <= minPrec) return left;
      const line = this.line;
      this.advance(op.length);
      this.ws(true);
      this.enter();
      const right = this.binary(prec);
      this.leave();
      left = { kind: 'binary', op, left, right, line };
    }
  }

  private unary(): Expr {
    this.ws();
    const line = this.line;
    if (this.peek() === '!' || (this.peek() === '-' && !/[0-9]/.test(this.peek(1)))) {
      const op = this.peek() as '!' | '-';
      this.advance();
      this.enter();
      const operand = this.unary();
      this.leave();
      return { kind: 'unary', op, operand, line };
    }
    return this.postfix(this.primary());
  }

  private postfix(e: Expr): Expr {
    for (;;) {
      const line = this.line;
      if (this.peek() === '.' && this.peek(1) === '*') {
        this.advance(2);
        e = { kind: 'splat', target: e, line };
      } else if (this.peek() === '.' && /[A-Za-z_0-9]/.test(this.peek(1))) {
        this.advance();
        const name = this.ident() ?? this.number();
        e = { kind: 'attr', target: e, name: String(name), line };
      } else if (this.peek() === '[') {
        this.advance();
        this.nest++;
        this.ws();
        if (this.peek() === '*') {
          this.advance();
          this.expect(']');
          this.nest--;
          e = { kind: 'splat', target: e, line };
          continue;
        }
        const index = this.expr();
        this.expect(']');
        this.nest--;
        e = { kind: 'index', target: e, index, line };
      } else return e;
    }
  }

  private number(): number {
    const m = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(this.s.slice(this.pos, this.pos + 64));
    if (!m) this.fail('expected number');
    this.advance(m[0].length);
    return Number(m[0]);
  }

  private primary(): Expr {
    this.ws();
    const line = this.line;
    const c = this.peek();
    if (c === '"') return this.template();
    if (c === '<' && this.peek(1) === '<') return this.heredoc();
    if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(this.peek(1)))) {
      const neg = this.eat('-');
      const n = this.number();
      return { kind: 'literal', value: neg ? -n : n, line };
    }
    if (c === '(') {
      this.advance();
      this.nest++;
      const e = this.expr();
      this.expect(')');
      this.nest--;
      return e;
    }
    if (c === '[') return this.tuple();
    if (c === '{') return this.object();
    const name = this.ident();
    if (name === undefined) this.fail(c === '' ? 'unexpected end of file in expression' : `unexpected character ${JSON.stringify(c)}`);
    if (name === 'true' || name === 'false') return { kind: 'literal', value: name === 'true', line };
    if (name === 'null') return { kind: 'literal', value: null, line };
    if (this.peek() === ':' && this.peek(1) === ':') {
      // provider-namespaced function: provider::aws::arn_parse(...)
      let full = name;
      while (this.eat('::')) full += '::' + (this.ident() ?? this.fail('expected function name'));
      return this.call(full, line);
    }
    if (this.peek() === '(') return this.call(name, line);
    return { kind: 'var', name, line };
  }

  private call(name: string, line: number): Expr {
    this.expect('(');
    this.nest++;
    const args: Expr[] = [];
    for (;;) {
      this.ws();
      if (this.eat(')')) break;
      args.push(this.expr());
      this.ws();
      if (this.eat('...')) this.ws();
      if (this.eat(',')) continue;
      this.expect(')');
      break;
    }
    this.nest--;
    return { kind: 'call', name, args, line };
  }

  private isFor(): boolean {
    const save = this.pos;
    const saveLine = this.line;
    this.ws(true);
    const word = this.ident();
    const c = this.peek();
    this.pos = save;
    this.line = saveLine;
    return word === 'for' && (c === ' ' || c === '\t' || c === '\n');
  }

  /** For expressions are kept opaque: their result is unknown to the evaluator; the body is skipped by bracket matching. */
  private skipFor(close: string): Expr {
    const line = this.line;
    let depth = 1;
    while (depth > 0) {
      this.ws(true);
      const c = this.peek();
      if (c === '') this.fail('unexpected end of file in for expression');
      if (c === '"') {
        this.template();
        continue;
      }
      if (c === '[' || c === '{' || c === '(') depth++;
      if (c === ']' || c === '}' || c === ')') depth--;
      this.advance();
    }
    if (this.s[this.pos - 1] !== close) this.fail(`expected "${close}"`);
    return { kind: 'for', line };
  }

  private tuple(): Expr {
    const line = this.line;
    this.advance();
    if (this.isFor()) return this.skipFor(']');
    this.nest++;
    const items: Expr[] = [];
    for (;;) {
      this.ws();
      if (this.eat(']')) break;
      items.push(this.expr());
      this.ws();
      if (this.eat(',')) continue;
      this.expect(']');
      break;
    }
    this.nest--;
    return { kind: 'tuple', items, line };
  }

  private object(): Expr {
    const line = this.line;
    this.advance();
    if (this.isFor()) return this.skipFor('}');
    this.nest++;
    const items: { key: Expr; value: Expr; line: number }[] = [];
    for (;;) {
      this.ws();
      if (this.eat('}')) break;
      const itemLine = this.line;
      const key = this.expr();
      this.ws();
      if (!this.eat('=') && !this.eat(':')) this.fail('expected "=" or ":" in object');
      const value = this.expr();
      items.push({ key, value, line: itemLine });
      this.ws();
      this.eat(',');
    }
    this.nest--;
    return { kind: 'object', items, line };
  }

  /** A quoted template: literal runs and ${...} interpolations; %{...} directives make the value unknown. */
  private template(): Expr {
    const line = this.line;
    this.advance(); // opening quote
    const parts: (string | Expr)[] = [];
    let buf = '';
    for (;;) {
      const c = this.peek();
      if (c === '' || c === '\n') this.fail('unterminated string');
      if (c === '"') {
        this.advance();
        break;
      }
      if (c === '\\') {
        const n = this.peek(1);
        const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };
        if (n in map) {
          buf += map[n];
          this.advance(2);
        } else if (n === 'u' || n === 'U') {
          const len = n === 'u' ? 4 : 8;
          const hex = this.s.slice(this.pos + 2, this.pos + 2 + len);
          if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) this.fail('bad unicode escape');
          const cp = parseInt(hex, 16);
          if (cp > 0x10ffff) this.fail('bad unicode escape');
          buf += String.fromCodePoint(cp);
          this.advance(2 + len);
        } else this.fail('bad escape sequence');
        continue;
      }
      if ((c === '$' || c === '%') && this.peek(1) === '{') {
        if (this.peek(-1) === c && buf.endsWith(c)) {
          // "$${" / "%%{" escapes
          this.advance(2);
          buf += '{';
          continue;
        }
        if (buf) parts.push(buf);
        buf = '';
        this.advance(2);
        this.nest++;
        this.ws();
        this.eat('~');
        if (c === '%') {
          this.skipDirective();
          parts.push({ kind: 'for', line: this.line });
        } else {
          parts.push(this.expr());
          this.ws();
          this.eat('~');
          this.expect('}');
        }
        this.nest--;
        continue;
      }
      buf += c;
      this.advance();
    }
    if (buf || parts.length === 0) parts.push(buf);
    return { kind: 'template', parts, line };
  }

  private skipDirective(): void {
    let depth = 1;
    while (depth > 0) {
      const c = this.peek();
      if (c === '') this.fail('unterminated template directive');
      if (c === '{') depth++;
      if (c === '}') depth--;
      this.advance();
    }
  }

  private heredoc(): Expr {
    const line = this.line;
    this.advance(2);
    const indent = this.eat('-');
    const marker = this.ident();
    if (marker === undefined) this.fail('expected heredoc marker');
    this.ws(false);
    if (!this.eat('\n')) this.fail('expected newline after heredoc marker');
    const lines: string[] = [];
    for (;;) {
      if (this.pos >= this.s.length) this.fail(`unterminated heredoc ${marker}`);
      const nl = this.s.indexOf('\n', this.pos);
      const end = nl < 0 ? this.s.length : nl;
      const text = this.s.slice(this.pos, end).replace(/\r$/, '');
      if (text.trim() === marker) {
        this.advance(text.length);
        break;
      }
      lines.push(text);
      this.advance(end - this.pos);
      if (nl >= 0) this.advance();
    }
    let out = lines;
    if (indent) {
      const min = Math.min(...lines.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)![0].length));
      out = lines.map((l) => l.slice(Number.isFinite(min) ? min : 0));
    }
    const text = out.join('\n') + (out.length ? '\n' : '');
    // Interpolations inside heredocs are parsed like quoted templates.
    if (!text.includes('${') && !text.includes('%{')) return { kind: 'template', parts: [text], line };
    return parseTemplateText(text, line, this.maxDepth - this.depth);
  }
}

function parseTemplateText(text: string, line: number, maxDepth: number): Expr {
  const quoted = '"' + text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') + '"';
  // Escaping above also escapes quotes inside ${...}; un-escape those so expressions parse.
  const fixed = quoted.replace(/\$\{([^}]*)\}/g, (_m, inner: string) => '${' + inner.replace(/\\"/g, '"').replace(/\\\\/g, '\\') + '}');
  const p = new Parser(fixed, Math.max(1, maxDepth));
  try {
    const e = p.expr();
    return { ...e, line };
  } catch {
    return { kind: 'for', line };
  }
}
