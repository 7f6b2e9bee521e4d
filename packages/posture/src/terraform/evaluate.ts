import type { SourceRange } from '@bulwark/core';
import type { DocPath } from '../rules/types.js';
import { isObject, isUnknown, Unknown } from './cloud-model.js';
import type { CloudResource, CloudValue } from './cloud-model.js';
import type { Expr, HclBlock, HclBody } from './hcl.js';

export interface ParsedFile {
  path: string;
  body: HclBody;
}

interface Scope {
  vars: Map<string, CloudValue>;
  locals: Map<string, Expr>;
  localValues: Map<string, CloudValue>;
  resolving: Set<string>;
}

const MAX_EVAL_DEPTH = 64;

/** Evaluates an expression to a value; what cannot be known statically becomes Unknown (with the reference text). */
export function evaluate(e: Expr, scope: Scope, depth = 0): CloudValue {
  if (depth > MAX_EVAL_DEPTH) return new Unknown();
  const ev = (x: Expr): CloudValue => evaluate(x, scope, depth + 1);
  switch (e.kind) {
    case 'literal':
      return e.value;
    case 'template': {
      if (e.parts.length === 1 && typeof e.parts[0] !== 'string') {
        const v = ev(e.parts[0]!);
        return v;
      }
      let s = '';
      for (const p of e.parts) {
        if (typeof p === 'string') s += p;
        else {
          const v = ev(p);
          if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') s += String(v);
          else return new Unknown();
        }
      }
      return s;
    }
    case 'tuple':
      return e.items.map(ev);
    case 'object': {
      const out: { [k: string]: CloudValue } = {};
      for (const it of e.items) {
        const k = it.key.kind === 'var' ? it.key.name : ev(it.key);
        if (typeof k === 'string' || typeof k === 'number') out[String(k)] = ev(it.value);
      }
      return out;
    }
    case 'var':
    case 'attr':
    case 'index':
    case 'splat':
      return reference(e, scope, depth);
    case 'call':
      return call(e.name, e.args.map(ev));
    case 'unary': {
      const v = ev(e.operand);
      if (e.op === '!' && typeof v === 'boolean') return !v;
      if (e.op === '-' && typeof v === 'number') return -v;
      return new Unknown();
    }
    case 'binary':
      return binary(e.op, ev(e.left), ev(e.right));
    case 'cond': {
      const t = ev(e.test);
      if (t === true || t === 'true') return ev(e.then);
      if (t === false || t === 'false') return ev(e.else);
      return new Unknown();
    }
    case 'for':
      return new Unknown();
  }
}

function refText(e: Expr): string | undefined {
  if (e.kind === 'var') return e.name;
  if (e.kind === 'attr') {
    const t = refText(e.target);
    return t === undefined ? undefined : `${t}.${e.name}`;
  }
  if (e.kind === 'index') {
    const t = refText(e.target);
    return t === undefined ? undefined : `${t}[${e.index.kind === 'literal' ? String(e.index.value) : '*'}]`;
  }
  if (e.kind === 'splat') {
    const t = refText(e.target);
    return t === undefined ? undefined : `${t}[*]`;
  }
  return undefined;
}

function reference(e: Expr, scope: Scope, depth: number): CloudValue {
  // Walk down to the root variable, then apply the traversal to known values.
  const steps: Expr[] = [];
  let cur = e;
  while (cur.kind === 'attr' || cur.kind === 'index' || cur.kind === 'splat') {
    steps.unshift(cur);
    cur = cur.target;
  }
  if (cur.kind !== 'var') {
    let v = evaluate(cur, scope, depth + 1);
    for (const s of steps) v = step(v, s, scope, depth);
    return v;
  }
  const root = cur.name;
  let v: CloudValue;
  let rest = steps;
  const first = steps[0];
  const firstName = first?.kind === 'attr' ? first.name : undefined;
  if (root === 'var' && firstName !== undefined) {
    v = scope.vars.has(firstName) ? scope.vars.get(firstName)! : new Unknown(`var.${firstName}`);
    rest = steps.slice(1);
  } else if (root === 'local' && firstName !== undefined) {
    v = local(firstName, scope, depth);
    rest = steps.slice(1);
  } else if (root === 'path' && firstName !== undefined) {
    v = '.';
    rest = steps.slice(1);
  } else {
    return new Unknown(refText(e));
  }
  for (const s of rest) v = step(v, s, scope, depth);
  return v;
}

function step(v: CloudValue, s: Expr, scope: Scope, depth: number): CloudValue {
  if (isUnknown(v)) return v;
  if (s.kind === 'attr') return isObject(v) && s.name in v ? v[s.name]! : new Unknown();
  if (s.kind === 'index') {
    const i = evaluate(s.index, scope, depth + 1);
    if (Array.isArray(v) && typeof i === 'number') return v[i] ?? new Unknown();
    if (isObject(v) && (typeof i === 'string' || typeof i === 'number')) return v[String(i)] ?? new Unknown();
    return new Unknown();
  }
  return new Unknown();
}

function local(name: string, scope: Scope, depth: number): CloudValue {
  if (scope.localValues.has(name)) return scope.localValues.get(name)!;
  const expr = scope.locals.get(name);
  if (!expr || scope.resolving.has(name)) return new Unknown(`local.${name}`);
  scope.resolving.add(name);
  const v = evaluate(expr, scope, depth + 1);
  scope.resolving.delete(name);
  scope.localValues.set(name, v);
  return v;
}

function binary(op: string, a: CloudValue, b: CloudValue): CloudValue {
  if (op === '==' || op === '!=') {
    if (isUnknown(a) || isUnknown(b)) return new Unknown();
    const eq = JSON.stringify(a) === JSON.stringify(b);
    return op === '==' ? eq : !eq;
  }
  if (op === '&&' || op === '||') {
    if (typeof a !== 'boolean' || typeof b !== 'boolean') return new Unknown();
    return op === '&&' ? a && b : a || b;
  }
  const x = typeof a === 'string' && /^-?[0-9.]+$/.test(a) ? Number(a) : a;
  const y = typeof b === 'string' && /^-?[0-9.]+$/.test(b) ? Number(b) : b;
  if (typeof x !== 'number' || typeof y !== 'number') return new Unknown();
  switch (op) {
    case '+':
      return x + y;
    case '-':
      return x - y;
    case '*':
      return x * y;
    case '/':
      return y === 0 ? new Unknown() : x / y;
    case '%':
      return y === 0 ? new Unknown() : x % y;
    case '<':
      return x < y;
    case '>':
      return x > y;
    case '<=':
      return x <= y;
    case '>=':
      return x >= y;
  }
  return new Unknown();
}

function known(v: CloudValue): boolean {
  if (isUnknown(v)) return false;
  if (Array.isArray(v)) return v.every(known);
  if (isObject(v)) return Object.values(v).every(known);
  return true;
}

function toJson(v: CloudValue): unknown {
  if (isUnknown(v)) return v.ref ? `\${${v.ref}}` : '${unknown}';
  if (Array.isArray(v)) return v.map(toJson);
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJson(x)]));
  return v;
}

/** The pure functions that matter for configuration values; everything else is unknown. */
function call(name: string, args: CloudValue[]): CloudValue {
  const [a, b] = args;
  switch (name) {
    case 'jsonencode':
      return a === undefined ? new Unknown() : JSON.stringify(toJson(a));
    case 'tostring':
    case 'tonumber':
    case 'tobool':
    case 'tolist':
    case 'toset':
    case 'sensitive':
    case 'nonsensitive':
      return a === undefined ? new Unknown() : a;
    case 'lower':
      return typeof a === 'string' ? a.toLowerCase() : new Unknown();
    case 'upper':
      return typeof a === 'string' ? a.toUpperCase() : new Unknown();
    case 'concat':
      return args.every(Array.isArray) ? (args as CloudValue[][]).flat() : new Unknown();
    case 'merge':
      return args.every(isObject) ? Object.assign({}, ...args) : new Unknown();
    case 'join':
      return typeof a === 'string' && Array.isArray(b) && known(b) ? b.map(String).join(a) : new Unknown();
    case 'coalesce':
      return args.find((x) => x !== null && x !== '' && !isUnknown(x)) ?? new Unknown();
    case 'length':
      return Array.isArray(a) ? a.length : typeof a === 'string' ? a.length : isObject(a) ? Object.keys(a).length : new Unknown();
    case 'format':
      if (typeof a === 'string' && args.slice(1).every((x) => typeof x === 'string' || typeof x === 'number')) {
        let i = 1;
        return a.replace(/%[sdv]/g, () => String(args[i++] ?? ''));
      }
      return new Unknown();
    default:
      return new Unknown();
  }
}

/** A module instance: its files, the variables bound by its caller and the label prefix ("module.web."). */
export interface ModuleInstance {
  dir: string;
  files: ParsedFile[];
  inputs: Map<string, CloudValue>;
  prefix: string;
}

export interface ModuleCall {
  name: string;
  source: string;
  inputs: Map<string, CloudValue>;
}

/** Evaluates one module instance: its resources, data sources, and the local module calls it makes. */
export function evaluateModule(mod: ModuleInstance, tfvars: Map<string, CloudValue>): { resources: CloudResource[]; calls: ModuleCall[] } {
  const scope: Scope = { vars: new Map(), locals: new Map(), localValues: new Map(), resolving: new Set() };
  const empty: Scope = { vars: new Map(), locals: new Map(), localValues: new Map(), resolving: new Set() };
  for (const f of mod.files) {
    for (const b of f.body.blocks) {
      if (b.type === 'variable' && b.labels[0] !== undefined) {
        const name = b.labels[0];
        const def = b.body.attributes.find((a) => a.name === 'default');
        if (mod.inputs.has(name)) scope.vars.set(name, mod.inputs.get(name)!);
        else if (tfvars.has(name)) scope.vars.set(name, tfvars.get(name)!);
        else if (def) scope.vars.set(name, evaluate(def.expr, empty));
      }
      if (b.type === 'locals') for (const a of b.body.attributes) scope.locals.set(a.name, a.expr);
    }
  }
  const resources: CloudResource[] = [];
  const calls: ModuleCall[] = [];
  for (const f of mod.files) {
    for (const b of f.body.blocks) {
      if ((b.type === 'resource' || b.type === 'data') && b.labels.length >= 2) {
        const [type, name] = b.labels as [string, string];
        const ranges = new Map<string, SourceRange>();
        const attributes = blockValue(b.body, scope, ranges, []);
        const label = `${mod.prefix}${b.type === 'data' ? 'data.' : ''}${type}.${name}`;
        resources.push({
          provider: 'terraform',
          type: b.type === 'data' ? `data.${type}` : type,
          name,
          label,
          file: f.path,
          range: b.range,
          attributes,
          rangeOf: (p: DocPath) => ranges.get(p.join('\u0000')),
        });
      }
      if (b.type === 'module' && b.labels[0] !== undefined) {
        const inputs = new Map<string, CloudValue>();
        let source: string | undefined;
        for (const a of b.body.attributes) {
          const v = evaluate(a.expr, scope);
          if (a.name === 'source') source = typeof v === 'string' ? v : undefined;
          else inputs.set(a.name, v);
        }
        if (source !== undefined) calls.push({ name: b.labels[0], source, inputs });
      }
    }
  }
  return { resources, calls };
}

function blockValue(body: HclBody, scope: Scope, ranges: Map<string, SourceRange>, path: (string | number)[]): { [k: string]: CloudValue } {
  const out: { [k: string]: CloudValue } = {};
  for (const a of body.attributes) {
    const p = [...path, a.name];
    ranges.set(p.join('\u0000'), a.range);
    const v = evaluate(a.expr, scope);
    out[a.name] = v;
    if (a.expr.kind === 'object') {
      for (const it of a.expr.items) {
        const k = it.key.kind === 'var' ? it.key.name : it.key.kind === 'template' && typeof it.key.parts[0] === 'string' ? it.key.parts[0] : undefined;
        if (k !== undefined) ranges.set([...p, k].join('\u0000'), { startLine: it.line, endLine: it.line });
      }
    }
  }
  for (const b of body.blocks) {
    const name = b.type === 'dynamic' ? b.labels[0] : b.type;
    if (name === undefined) continue;
    const list = (out[name] ??= []) as CloudValue[];
    if (!Array.isArray(list)) continue;
    const p = [...path, name, list.length];
    ranges.set(p.join('\u0000'), b.range);
    if (!ranges.has([...path, name].join('\u0000'))) ranges.set([...path, name].join('\u0000'), b.range);
    list.push(b.type === 'dynamic' ? new Unknown(`dynamic.${name}`) : blockValue(b.body, scope, ranges, p));
  }
  return out;
}

/** Reads terraform.tfvars / *.auto.tfvars attributes as literal values. */
export function tfvarsOf(files: ParsedFile[]): Map<string, CloudValue> {
  const out = new Map<string, CloudValue>();
  const empty: Scope = { vars: new Map(), locals: new Map(), localValues: new Map(), resolving: new Set() };
  for (const f of files) for (const a of f.body.attributes) out.set(a.name, evaluate(a.expr, empty));
  return out;
}

export type { HclBlock };
