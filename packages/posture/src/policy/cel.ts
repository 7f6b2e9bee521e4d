import { Environment, EvaluationError, Optional, ParseError, TypeError as CelTypeError } from '@marcbachmann/cel-js';
import type { ASTNode } from '@marcbachmann/cel-js';
import { NANOS_PER_UNIT, Quantity, parseQuantity, quantityFromNanos } from './quantity.js';
import { Re2SyntaxError, compileRe2, re2Cache } from './re2.js';

/** Limits on one CEL expression: checked when compiling (length, AST) and before evaluating (estimated cost). */
export interface CelLimits {
  /** Longest expression, in characters. */
  maxExpressionLength: number;
  /** Most AST nodes of one expression. */
  maxAstNodes: number;
  /** Deepest nesting of one expression. */
  maxExpressionDepth: number;
  /** Most elements of a list or map literal. */
  maxLiteralElements: number;
  /**
   * Estimated evaluation cost above which an expression is not evaluated on an object: AST nodes × (largest list, map
   * or split string of the object) ^ (comprehension nesting depth). Same order as Kubernetes' per-expression budget.
   */
  maxCost: number;
}

export const DEFAULT_CEL_LIMITS: Readonly<CelLimits> = Object.freeze({
  maxExpressionLength: 5 * 1024,
  maxAstNodes: 2_000,
  maxExpressionDepth: 64,
  maxLiteralElements: 1_000,
  maxCost: 10_000_000,
});

/** A compile-time problem: syntax, unknown function, wrong types; `offset` is a character offset into the expression. */
export class CelCompileError extends Error {
  constructor(message: string, readonly offset: number | undefined) {
    super(message);
    this.name = 'CelCompileError';
  }
}

/** A run-time problem on one object: missing key, bad regex, overflow, cost over the limit. */
export class CelEvalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CelEvalError';
  }
}

/** The variables every policy expression sees (Kubernetes ValidatingAdmissionPolicy names). */
export const CEL_VARIABLES = ['object', 'oldObject', 'request', 'params', 'namespaceObject', 'variables'] as const;
export type CelBindings = Partial<Record<(typeof CEL_VARIABLES)[number], unknown>>;

const MAX_REGEX_TEXT = 1 << 20;
const regex = re2Cache(512);

function re(pattern: string) {
  try {
    return regex(pattern);
  } catch (e) {
    if (e instanceof Re2SyntaxError) throw new CelEvalError(e.message);
    throw e;
  }
}

function regexText(s: string): string {
  if (s.length > MAX_REGEX_TEXT) throw new CelEvalError(`regex input longer than ${MAX_REGEX_TEXT} characters`);
  return s;
}

/** Total order used by the list library (isSorted/min/max): numbers across int/uint/double, strings, bools. */
function scalar(v: unknown): number | bigint | string | boolean {
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Quantity) return v.nanos;
  if (v !== null && typeof v === 'object' && 'value' in v && typeof (v as { value: unknown }).value === 'bigint') return (v as { value: bigint }).value;
  throw new CelEvalError(`no ordering for ${describe(v)}`);
}

function compare(a: unknown, b: unknown): number {
  const x = scalar(a);
  const y = scalar(b);
  if (typeof x === 'string' || typeof y === 'string') {
    if (typeof x !== 'string' || typeof y !== 'string') throw new CelEvalError('no ordering between string and non-string');
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof x === 'boolean' || typeof y === 'boolean') {
    if (typeof x !== 'boolean' || typeof y !== 'boolean') throw new CelEvalError('no ordering between bool and non-bool');
    return Number(x) - Number(y);
  }
  return x < y ? -1 : x > y ? 1 : 0;
}

function celEquals(a: unknown, b: unknown): boolean {
  if (typeof a === 'bigint' && typeof b === 'number') return Number(a) === b;
  if (typeof a === 'number' && typeof b === 'bigint') return a === Number(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => celEquals(x, b[i]));
  if (a instanceof Quantity && b instanceof Quantity) return a.nanos === b.nanos;
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    if ('value' in a && 'value' in b) return (a as { value: unknown }).value === (b as { value: unknown }).value;
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && celEquals((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return a === b;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'double';
  return typeof v === 'object' ? 'map' : typeof v;
}

/** Kubernetes' URL library value (`url('https://example.com:80/p?q=1')`). */
export class KubeUrl {
  constructor(private readonly u: URL | undefined, private readonly path: string, private readonly raw: string) {}
  static parse(s: string): KubeUrl | undefined {
    if (s.startsWith('/')) {
      if (/[\s#]/.test(s)) return undefined;
      const u = new URL(s, 'http://placeholder.invalid');
      return new KubeUrl(undefined, u.pathname + u.search, s);
    }
    if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s]*$/.test(s) && !/^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$/.test(s)) return undefined;
    try {
      return new KubeUrl(new URL(s), '', s);
    } catch {
      return undefined;
    }
  }
  scheme(): string {
    return this.u ? this.u.protocol.replace(/:$/, '') : '';
  }
  host(): string {
    if (!this.u) return '';
    // WHATWG drops default ports; Go keeps what was written
    const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)(:\d*)?/.exec(this.raw);
    return m ? m[1]! + (m[2] ?? '') : this.u.host;
  }
  hostname(): string {
    return this.host().replace(/:\d*$/, '').replace(/^\[(.*)\]$/, '$1');
  }
  port(): string {
    const m = /:(\d*)$/.exec(this.host().replace(/^\[.*\]/, ''));
    return m ? m[1]! : '';
  }
  escapedPath(): string {
    if (!this.u) return this.path.replace(/\?.*$/, '');
    return this.u.pathname === '/' && !/^[^:]+:\/\/[^/?#]*\//.test(this.raw) ? '' : this.u.pathname;
  }
  query(): Record<string, string[]> {
    const search = this.u ? this.u.search : (/\?.*$/.exec(this.path)?.[0] ?? '');
    const out: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
    for (const [k, v] of new URLSearchParams(search)) (out[k] ??= []).push(v);
    return out;
  }
}

function quantityOf(s: string): Quantity {
  const q = parseQuantity(s);
  if (!q) throw new CelEvalError(`invalid quantity: ${JSON.stringify(s.slice(0, 64))}`);
  return q;
}

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

function checkedInt(v: bigint): bigint {
  if (v > INT64_MAX || v < INT64_MIN) throw new CelEvalError('integer overflow');
  return v;
}

function registerKubernetesLibrary(env: Environment): void {
  // regex (RE2, linear time): `matches` as a global function; the method form is rewritten to `re2Matches` (see rewrite())
  env.registerFunction('matches(string, string): bool', (s: string, p: string) => re(p).test(regexText(s)));
  env.registerFunction('string.re2Matches(string): bool', (s: string, p: string) => re(p).test(regexText(s)));
  env.registerFunction('string.find(string): string', (s: string, p: string) => re(p).find(regexText(s)) ?? '');
  env.registerFunction('string.findAll(string): list<string>', (s: string, p: string) => re(p).findAll(regexText(s)));
  env.registerFunction('string.findAll(string, int): list<string>', (s: string, p: string, n: bigint) =>
    re(p).findAll(regexText(s), Number(n < -1n ? -1n : n > 1_000_000n ? 1_000_000n : n)),
  );

  // strings extension functions marc's library lacks (cel-go ext.Strings, used by Kubernetes)
  env.registerFunction('string.charAt(int): string', (s: string, i: bigint) => {
    const cps = Array.from(s);
    if (i < 0n || i > BigInt(cps.length)) throw new CelEvalError(`index out of range: ${i}`);
    return cps[Number(i)] ?? '';
  });
  env.registerFunction('string.replace(string, string): string', (s: string, a: string, b: string) => (a === '' ? s : s.split(a).join(b)));
  env.registerFunction('string.replace(string, string, int): string', (s: string, a: string, b: string, n: bigint) => {
    if (n < 0n) return a === '' ? s : s.split(a).join(b);
    const parts = s.split(a);
    const k = Number(n > BigInt(parts.length) ? BigInt(parts.length) : n);
    return parts.slice(0, k + 1).join(b) + (parts.length > k + 1 ? a + parts.slice(k + 1).join(a) : '');
  });
  env.registerFunction('string.reverse(): string', (s: string) => Array.from(s).reverse().join(''));

  // lists (Kubernetes library)
  env.registerFunction('list.isSorted(): bool', (l: unknown[]) => l.every((x, i) => i === 0 || compare(l[i - 1], x) <= 0));
  env.registerFunction('list.sum(): dyn', (l: unknown[]) => {
    if (l.length === 0) return 0n;
    let acc: unknown = l[0];
    for (const x of l.slice(1)) {
      if (typeof acc === 'bigint' && typeof x === 'bigint') acc = checkedInt(acc + x);
      else if (typeof acc === 'number' && typeof x === 'number') acc = acc + x;
      else throw new CelEvalError(`sum: cannot add ${describe(acc)} and ${describe(x)}`);
    }
    return acc;
  });
  env.registerFunction('list.min(): dyn', (l: unknown[]) => {
    if (l.length === 0) throw new CelEvalError('min called on empty list');
    return l.reduce((a, b) => (compare(b, a) < 0 ? b : a));
  });
  env.registerFunction('list.max(): dyn', (l: unknown[]) => {
    if (l.length === 0) throw new CelEvalError('max called on empty list');
    return l.reduce((a, b) => (compare(b, a) > 0 ? b : a));
  });
  env.registerFunction('list.indexOf(dyn): int', (l: unknown[], x: unknown) => BigInt(l.findIndex((y) => celEquals(y, x))));
  env.registerFunction('list.lastIndexOf(dyn): int', (l: unknown[], x: unknown) => BigInt(l.findLastIndex((y) => celEquals(y, x))));

  // URLs
  env.registerType('URL', KubeUrl);
  env.registerFunction('url(string): URL', (s: string) => {
    const u = KubeUrl.parse(s);
    if (!u) throw new CelEvalError(`URL parse error during conversion from string: ${JSON.stringify(s.slice(0, 128))}`);
    return u;
  });
  env.registerFunction('isURL(string): bool', (s: string) => KubeUrl.parse(s) !== undefined);
  env.registerFunction('URL.getScheme(): string', (u: KubeUrl) => u.scheme());
  env.registerFunction('URL.getHost(): string', (u: KubeUrl) => u.host());
  env.registerFunction('URL.getHostname(): string', (u: KubeUrl) => u.hostname());
  env.registerFunction('URL.getPort(): string', (u: KubeUrl) => u.port());
  env.registerFunction('URL.getEscapedPath(): string', (u: KubeUrl) => u.escapedPath());
  env.registerFunction('URL.getQuery(): map<string, list<string>>', (u: KubeUrl) => u.query());

  // quantities
  env.registerType('Quantity', Quantity);
  env.registerFunction('quantity(string): Quantity', (s: string) => quantityOf(s));
  env.registerFunction('isQuantity(string): bool', (s: string) => parseQuantity(s) !== undefined);
  env.registerFunction('Quantity.sign(): int', (q: Quantity) => BigInt(q.sign()));
  env.registerFunction('Quantity.isInteger(): bool', (q: Quantity) => q.isInteger() && checkedIntOk(q.nanos / NANOS_PER_UNIT));
  env.registerFunction('Quantity.asInteger(): int', (q: Quantity) => {
    if (!q.isInteger()) throw new CelEvalError(`cannot convert value to integer: ${q.text}`);
    return checkedInt(q.nanos / NANOS_PER_UNIT);
  });
  env.registerFunction('Quantity.asApproximateFloat(): double', (q: Quantity) => Number(q.nanos) / 1e9);
  env.registerFunction('Quantity.compareTo(Quantity): int', (a: Quantity, b: Quantity) => BigInt(a.compareTo(b)));
  env.registerFunction('Quantity.isGreaterThan(Quantity): bool', (a: Quantity, b: Quantity) => a.compareTo(b) > 0);
  env.registerFunction('Quantity.isLessThan(Quantity): bool', (a: Quantity, b: Quantity) => a.compareTo(b) < 0);
  env.registerFunction('Quantity.add(Quantity): Quantity', (a: Quantity, b: Quantity) => quantityFromNanos(a.nanos + b.nanos));
  env.registerFunction('Quantity.add(int): Quantity', (a: Quantity, b: bigint) => quantityFromNanos(a.nanos + b * NANOS_PER_UNIT));
  env.registerFunction('Quantity.sub(Quantity): Quantity', (a: Quantity, b: Quantity) => quantityFromNanos(a.nanos - b.nanos));
  env.registerFunction('Quantity.sub(int): Quantity', (a: Quantity, b: bigint) => quantityFromNanos(a.nanos - b * NANOS_PER_UNIT));
  env.registerOperator('Quantity == Quantity', (a: Quantity, b: Quantity) => a.nanos === b.nanos);
}

function checkedIntOk(v: bigint): boolean {
  return v <= INT64_MAX && v >= INT64_MIN;
}

let shared: Environment | undefined;

function environment(limits: CelLimits): Environment {
  const key = `${limits.maxAstNodes}/${limits.maxExpressionDepth}/${limits.maxLiteralElements}`;
  if (!shared) {
    shared = new Environment({ enableOptionalTypes: true, homogeneousAggregateLiterals: false, unlistedVariablesAreDyn: false });
    for (const v of CEL_VARIABLES) shared.registerVariable(v, 'dyn');
    registerKubernetesLibrary(shared);
  }
  let env = envs.get(key);
  if (!env) {
    env = shared.clone({
      limits: { maxAstNodes: limits.maxAstNodes, maxDepth: limits.maxExpressionDepth, maxListElements: limits.maxLiteralElements, maxMapEntries: limits.maxLiteralElements },
    });
    envs.set(key, env);
  }
  return env;
}
const envs = new Map<string, Environment>();

type AnyNode = ASTNode & { op: string; args: unknown; range: { start: number; end: number } };

function children(n: AnyNode): AnyNode[] {
  const out: AnyNode[] = [];
  const visit = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(visit);
    else if (x !== null && typeof x === 'object' && 'op' in x && 'range' in x) out.push(x as AnyNode);
  };
  if (n.op !== 'value' && n.op !== 'id') visit(n.args);
  return out;
}

const COMPREHENSIONS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);

interface Shape {
  nodes: number;
  depth: number;
  splits: boolean;
}

/** Node count, comprehension nesting and whether the expression makes lists out of strings (split/findAll). */
function shapeOf(root: AnyNode): Shape {
  let nodes = 0;
  let splits = false;
  const walk = (n: AnyNode): number => {
    nodes++;
    let inner = 0;
    for (const c of children(n)) inner = Math.max(inner, walk(c));
    if (n.op === 'rcall') {
      const name = (n.args as unknown[])[0];
      if (name === 'split' || name === 'findAll') splits = true;
      if (typeof name === 'string' && COMPREHENSIONS.has(name)) return inner + 1;
    }
    return inner;
  };
  const depth = walk(root);
  return { nodes, depth, splits };
}

interface Edit {
  at: number;
  remove: number;
  insert: string;
}

/**
 * Source edits that keep Kubernetes semantics on top of marc's library: `has(e[i].f)` (has() over a computed operand,
 * which marc only accepts on identifier chains) becomes `(e[i].?f).hasValue()`; `s.matches(p)` becomes
 * `s.re2Matches(p)` so every regex runs on the linear-time RE2 engine instead of JavaScript's backtracking RegExp.
 */
const REGEX_FUNCTIONS = new Set(['matches', 'find', 'findAll']);

/** A literal pattern is checked when compiling, as Kubernetes does; patterns computed from data are checked when run. */
function checkLiteralPattern(node: AnyNode | undefined): void {
  if (!node || node.op !== 'value' || typeof node.args !== 'string') return;
  try {
    compileRe2(node.args);
  } catch (e) {
    if (e instanceof Re2SyntaxError) throw new CelCompileError(e.message, node.range.start);
    throw e;
  }
}

function rewrites(src: string, root: AnyNode): Edit[] {
  const edits: Edit[] = [];
  const walk = (n: AnyNode): void => {
    if (n.op === 'call') {
      const [name, args] = n.args as [string, AnyNode[]];
      const arg = args[0];
      if (name === 'matches' && args.length === 2) checkLiteralPattern(args[1]);
      if (name === 'has' && args.length === 1 && arg && arg.op === '.') {
        let base = (arg.args as [AnyNode, string])[0];
        while (base.op === '.' || base.op === '.?') base = (base.args as [AnyNode, string])[0];
        if (base.op !== 'id') {
          const operand = (arg.args as [AnyNode, string])[0];
          const open = src.indexOf('(', n.range.start);
          const dot = src.indexOf('.', operand.range.end);
          const close = src.lastIndexOf(')', n.range.end - 1);
          if (open >= 0 && dot >= 0 && close > dot) {
            edits.push({ at: n.range.start, remove: open + 1 - n.range.start, insert: '(' });
            edits.push({ at: dot + 1, remove: 0, insert: '?' });
            edits.push({ at: close, remove: 1, insert: ').hasValue()' });
          }
        }
      }
    } else if (n.op === 'rcall') {
      const [name, recv, args] = n.args as [string, AnyNode, AnyNode[]];
      if (REGEX_FUNCTIONS.has(name)) checkLiteralPattern(args[0]);
      if (name === 'matches') {
        const at = src.indexOf('matches', recv.range.end);
        if (at >= 0) edits.push({ at, remove: 'matches'.length, insert: 're2Matches' });
      }
    }
    for (const c of children(n)) walk(c);
  };
  walk(root);
  return edits.sort((a, b) => a.at - b.at);
}

function applyEdits(src: string, edits: readonly Edit[]): string {
  let out = '';
  let pos = 0;
  for (const e of edits) {
    out += src.slice(pos, e.at) + e.insert;
    pos = e.at + e.remove;
  }
  return out + src.slice(pos);
}

/** Maps an offset in the rewritten text back to the original expression. */
function originalOffset(edits: readonly Edit[], offset: number): number {
  let shift = 0;
  for (const e of edits) {
    const start = e.at + shift;
    if (offset < start) break;
    if (offset < start + e.insert.length) return e.at;
    shift += e.insert.length - e.remove;
  }
  return offset - shift;
}

function errorOffset(e: unknown): number | undefined {
  if (e instanceof ParseError || e instanceof CelTypeError || e instanceof EvaluationError) return e.range?.start ?? e.node?.range?.start;
  return undefined;
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return (msg.split('\n')[0] ?? msg).replace(/re2Matches/g, 'matches');
}

/** A checked expression, ready to run on many objects. */
export interface CompiledCel {
  readonly source: string;
  /** Static shape, for the cost estimate. */
  readonly shape: Shape;
  /** Evaluates; throws CelEvalError (never anything else) on a run-time problem. */
  evaluate(bindings: CelBindings, sizes: BindingSizes): unknown;
}

/** Largest collection the bindings hold, and longest string (for split/findAll). */
export interface BindingSizes {
  collection: number;
  string: number;
}

/** Compiles (parse + rewrite + type check) one expression; throws CelCompileError with an offset into `source`. */
export function compileCel(source: string, limits: CelLimits = DEFAULT_CEL_LIMITS): CompiledCel {
  if (source.length > limits.maxExpressionLength) throw new CelCompileError(`expression longer than ${limits.maxExpressionLength} characters (${source.length})`, 0);
  if (source.trim() === '') throw new CelCompileError('empty expression', 0);
  const env = environment(limits);
  let parsed: ReturnType<Environment['parse']>;
  try {
    parsed = env.parse(source);
  } catch (e) {
    throw new CelCompileError(firstLine(e), errorOffset(e));
  }
  const edits = rewrites(source, parsed.ast as AnyNode);
  let text = source;
  if (edits.length > 0) {
    text = applyEdits(source, edits);
    try {
      parsed = env.parse(text);
    } catch (e) {
      const off = errorOffset(e);
      throw new CelCompileError(firstLine(e), off === undefined ? undefined : originalOffset(edits, off));
    }
  }
  let checked: ReturnType<ReturnType<Environment['parse']>['check']>;
  try {
    checked = parsed.check();
  } catch (e) {
    const off = errorOffset(e);
    throw new CelCompileError(firstLine(e), off === undefined ? undefined : originalOffset(edits, off));
  }
  if (!checked.valid) {
    const off = errorOffset(checked.error);
    throw new CelCompileError(firstLine(checked.error), off === undefined ? undefined : originalOffset(edits, off));
  }
  const shape = shapeOf(parsed.ast as AnyNode);
  const program = parsed;
  return {
    source,
    shape,
    evaluate(bindings, sizes) {
      const n = Math.max(2, sizes.collection, shape.splits ? sizes.string : 0);
      const cost = shape.nodes * n ** shape.depth;
      if (cost > limits.maxCost) {
        throw new CelEvalError(`estimated cost ${cost.toExponential(2)} exceeds the limit ${limits.maxCost} (${shape.depth} nested comprehensions over up to ${n} items)`);
      }
      try {
        return unwrap(program(bindings));
      } catch (e) {
        if (e instanceof CelEvalError) throw e;
        if (e instanceof RangeError) throw new CelEvalError(`evaluation aborted: ${e.message}`, { cause: e });
        throw new CelEvalError(firstLine(e), { cause: e });
      }
    },
  };
}

function unwrap(v: unknown): unknown {
  return v instanceof Optional ? (v.hasValue() ? v.value() : null) : v;
}

/**
 * Plain YAML/JSON value → CEL value: integral numbers become int (bigint), others double; maps become prototype-less
 * objects so no inherited property (constructor, __proto__) is ever reachable from an expression.
 */
export function toCel(v: unknown, sizes: BindingSizes = { collection: 0, string: 0 }): unknown {
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : v;
  if (typeof v === 'string') {
    if (v.length > sizes.string) sizes.string = v.length;
    return v;
  }
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean' || typeof v === 'bigint') return v;
  if (Array.isArray(v)) {
    if (v.length > sizes.collection) sizes.collection = v.length;
    return v.map((x) => toCel(x, sizes));
  }
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') {
    const out = Object.create(null) as Record<string, unknown>;
    const entries = Object.entries(v);
    if (entries.length > sizes.collection) sizes.collection = entries.length;
    for (const [k, x] of entries) out[k] = toCel(x, sizes);
    return out;
  }
  return null;
}
