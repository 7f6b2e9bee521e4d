import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Node, ScalarTag, CollectionTag } from 'yaml';
import { InputError, LimitError } from '@bulwark/core';
import type { FileError, Result, SourceRange } from '@bulwark/core';
import { err, ok } from '@bulwark/core';
import type { DocPath } from '../rules/types.js';
import { isObject, Unknown } from '../terraform/cloud-model.js';
import type { CloudModel, CloudResource, CloudValue } from '../terraform/cloud-model.js';
import { runCloudRules } from '../terraform/cloud-rule.js';
import type { CloudRule } from '../terraform/cloud-rule.js';
import { cloudRules } from '../terraform/registry.js';
import type { ScanResult } from '../terraform/terraform.js';

export interface CloudFormationLimits {
  maxBytes: number;
  maxDepth: number;
  maxAliasCount: number;
}

export const DEFAULT_CFN_LIMITS: CloudFormationLimits = { maxBytes: 4 * 1024 * 1024, maxDepth: 100, maxAliasCount: 100 };

const FUNCTIONS = [
  'Ref',
  'Condition',
  'Fn::Sub',
  'Fn::GetAtt',
  'Fn::If',
  'Fn::Join',
  'Fn::Select',
  'Fn::Equals',
  'Fn::FindInMap',
  'Fn::Base64',
  'Fn::Cidr',
  'Fn::ImportValue',
  'Fn::Split',
  'Fn::GetAZs',
  'Fn::And',
  'Fn::Or',
  'Fn::Not',
  'Fn::Transform',
  'Fn::Length',
  'Fn::ToJsonString',
];

function shortName(fn: string): string {
  return '!' + fn.replace(/^Fn::/, '');
}

/**
 * Short-form intrinsic tags (!Ref, !GetAtt, !Sub ...) as `yaml` custom tags: each resolves to its long form
 * ({ "Fn::Sub": ... }), so a template reads the same from YAML short form, YAML long form and JSON.
 */
const INTRINSIC_TAGS: (ScalarTag | CollectionTag)[] = FUNCTIONS.flatMap((fn) => {
  const tag = shortName(fn);
  const wrap = (v: unknown): unknown => ({ [fn]: fn === 'Fn::GetAtt' && typeof v === 'string' ? v.split(/\.(.*)/s).slice(0, 2) : v });
  return [
    { tag, resolve: (s: string) => wrap(s) } as ScalarTag,
    { tag, collection: 'seq', resolve: (seq) => wrap(seq.toJSON()) } as CollectionTag,
    { tag, collection: 'map', resolve: (map) => wrap(map.toJSON()) } as CollectionTag,
  ];
});

class Walk extends Error {
  constructor(
    readonly line: number,
    readonly what: string,
    readonly limit?: string,
  ) {
    super(what);
  }
}

interface Template {
  resources: CloudResource[];
}

/** Parses a CloudFormation template (YAML with short-form tags, or JSON) into cloud resources with lines. */
export function parseCloudFormation(file: string, content: string, limits: CloudFormationLimits = DEFAULT_CFN_LIMITS): Result<Template, InputError> {
  if (content.length > limits.maxBytes) return err(new LimitError({ file, limit: `maxBytes=${limits.maxBytes}` }));
  const lc = new LineCounter();
  let doc;
  try {
    doc = parseDocument(content, { customTags: INTRINSIC_TAGS, lineCounter: lc, uniqueKeys: false, prettyErrors: false, strict: false });
  } catch (e) {
    return err(new InputError({ file, message: `not YAML/JSON: ${(e as Error).message}` }));
  }
  const first = doc.errors[0];
  if (first) {
    const line = lc.linePos(first.pos[0]).line;
    return err(new InputError({ file, field: `line ${line}`, message: first.message.split('\n')[0] ?? 'invalid YAML' }));
  }
  const lineOf = (n: Node | null | undefined): SourceRange | undefined => {
    const r = n?.range;
    if (!r) return undefined;
    const start = lc.linePos(r[0]).line;
    const end = lc.linePos(Math.max(r[0], r[1] - 1)).line;
    return { startLine: start, endLine: Math.max(start, end) };
  };
  try {
    // Aliases are expanded by value; count them so an alias bomb cannot blow up.
    let aliases = 0;
    const root = doc.contents as Node | null;
    const params = new Map<string, CloudValue>();
    const conv = new Converter(lineOf, limits, () => {
      if (++aliases > limits.maxAliasCount) throw new Walk(0, 'too many aliases', `maxAliasCount=${limits.maxAliasCount}`);
    }, doc);
    if (!isMap(root)) {
      if (root === null) return ok({ resources: [] });
      return err(new InputError({ file, expected: 'a mapping at the top of the template' }));
    }
    const top = (key: string): Node | undefined => root.items.find((p) => isScalar(p.key) && p.key.value === key)?.value as Node | undefined;
    const paramsNode = top('Parameters');
    if (isMap(paramsNode)) {
      for (const p of paramsNode.items) {
        if (!isScalar(p.key) || !isMap(p.value)) continue;
        const def = p.value.items.find((x) => isScalar(x.key) && x.key.value === 'Default');
        if (def) params.set(String(p.key.value), conv.plain(def.value as Node, 0));
      }
    }
    conv.params = params;
    const resNode = top('Resources');
    const resources: CloudResource[] = [];
    if (isMap(resNode)) {
      for (const p of resNode.items) {
        if (!isScalar(p.key) || !isMap(p.value)) continue;
        const id = String(p.key.value);
        conv.logicalIds.add(id);
      }
      for (const p of resNode.items) {
        if (!isScalar(p.key) || !isMap(p.value)) continue;
        const id = String(p.key.value);
        const body = p.value;
        const typeNode = body.items.find((x) => isScalar(x.key) && x.key.value === 'Type')?.value;
        const type = isScalar(typeNode) ? String(typeNode.value) : undefined;
        if (type === undefined) continue;
        const propsNode = body.items.find((x) => isScalar(x.key) && x.key.value === 'Properties')?.value as Node | undefined;
        const ranges = new Map<string, SourceRange>();
        const props = propsNode ? conv.value(propsNode, [], ranges, 0) : {};
        const range = { startLine: lineOf(p.key as Node)?.startLine ?? 1, endLine: lineOf(body)?.endLine ?? 1 };
        resources.push({
          provider: 'cloudformation',
          type,
          name: id,
          label: `${type}.${id}`,
          file,
          range,
          attributes: isObject(props) ? props : {},
          rangeOf: (path: DocPath) => ranges.get(path.join('\u0000')),
        });
      }
    }
    return ok({ resources });
  } catch (e) {
    if (e instanceof Walk) {
      if (e.limit) return err(new LimitError({ file, limit: e.limit, field: e.line ? `line ${e.line}` : undefined }));
      return err(new InputError({ file, field: `line ${e.line}`, message: e.what }));
    }
    if (e instanceof RangeError) return err(new LimitError({ file, limit: 'stack depth' }));
    throw e;
  }
}

class Converter {
  params = new Map<string, CloudValue>();
  logicalIds = new Set<string>();

  constructor(
    private readonly lineOf: (n: Node | null | undefined) => SourceRange | undefined,
    private readonly limits: CloudFormationLimits,
    private readonly onAlias: () => void,
    private readonly doc: { toJS?: unknown } & Parameters<typeof Object.keys>[0],
  ) {}

  /** A node to a value without intrinsic resolution (parameter defaults). */
  plain(n: Node, depth: number): CloudValue {
    return this.value(n, [], new Map(), depth);
  }

  value(n: Node | null | undefined, path: (string | number)[], ranges: Map<string, SourceRange>, depth: number): CloudValue {
    if (depth > this.limits.maxDepth) throw new Walk(this.lineOf(n)?.startLine ?? 0, 'nesting too deep', `maxDepth=${this.limits.maxDepth}`);
    if (n === null || n === undefined) return null;
    const r = this.lineOf(n);
    if (r && path.length > 0) ranges.set(path.join('\u0000'), r);
    if (isAlias(n)) {
      this.onAlias();
      const target = n.resolve(this.doc as never) as Node | undefined;
      return this.value(target, path, ranges, depth + 1);
    }
    const tag = (n as { tag?: string }).tag;
    const fn = tag && tag.startsWith('!') ? FUNCTIONS.find((f) => shortName(f) === tag) : undefined;
    let raw: CloudValue;
    if (isScalar(n)) {
      const v = n.value;
      raw = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null ? v : v instanceof Object && 'Ref' in v ? String((v as { Ref: unknown }).Ref) : String(v);
      // A short-form scalar tag resolved to { fn: arg }; take the argument back as the scalar.
      if (fn && isObject(v as CloudValue)) raw = (v as Record<string, CloudValue>)[fn] ?? null;
      else if (fn && typeof n.source === 'string') raw = n.source;
      if (fn === 'Fn::GetAtt' && typeof raw === 'string') raw = raw.split(/\.(.*)/s).slice(0, 2);
    } else if (isSeq(n)) {
      raw = n.items.map((it, i) => this.value(it as Node, [...path, i], ranges, depth + 1));
    } else if (isMap(n)) {
      const out: { [k: string]: CloudValue } = {};
      for (const p of n.items) {
        if (!isPair(p)) continue;
        const k = isScalar(p.key) ? String(p.key.value) : undefined;
        if (k === undefined) continue;
        const kr = this.lineOf(p.key as Node);
        const vr = this.lineOf(p.value as Node);
        if (kr) ranges.set([...path, k].join('\u0000'), { startLine: kr.startLine, endLine: Math.max(kr.endLine, vr?.endLine ?? kr.endLine) });
        out[k] = this.value(p.value as Node, [...path, k], ranges, depth + 1);
        if (kr) ranges.set([...path, k].join('\u0000'), { startLine: kr.startLine, endLine: Math.max(kr.endLine, vr?.endLine ?? kr.endLine) });
      }
      raw = out;
    } else raw = null;
    if (fn) return this.intrinsic(fn, raw);
    if (isObject(raw)) {
      const keys = Object.keys(raw);
      if (keys.length === 1 && FUNCTIONS.includes(keys[0]!)) return this.intrinsic(keys[0]!, raw[keys[0]!]!);
    }
    return raw;
  }

  private intrinsic(fn: string, arg: CloudValue): CloudValue {
    switch (fn) {
      case 'Ref': {
        const name = typeof arg === 'string' ? arg : undefined;
        if (name === undefined) return new Unknown();
        if (this.params.has(name)) return this.params.get(name)!;
        return new Unknown(`Ref:${name}`);
      }
      case 'Fn::GetAtt': {
        const parts = Array.isArray(arg) ? arg.map(String) : typeof arg === 'string' ? arg.split(/\.(.*)/s).slice(0, 2) : [];
        return new Unknown(`GetAtt:${parts.join('.')}`);
      }
      case 'Fn::Sub': {
        const [tpl, vars] = Array.isArray(arg) ? [arg[0], arg[1]] : [arg, undefined];
        if (typeof tpl !== 'string') return new Unknown();
        let unknown = false;
        const s = tpl.replace(/\$\{([^}!]+)\}/g, (_m, name: string) => {
          const v = isObject(vars) && name in vars ? vars[name] : this.params.get(name);
          if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
          unknown = true;
          return '';
        });
        return unknown ? new Unknown() : s;
      }
      case 'Fn::Join': {
        if (!Array.isArray(arg) || typeof arg[0] !== 'string' || !Array.isArray(arg[1])) return new Unknown();
        const parts = arg[1];
        if (!parts.every((p) => typeof p === 'string' || typeof p === 'number')) return new Unknown();
        return parts.map(String).join(arg[0]);
      }
      case 'Fn::Base64':
        return arg;
      case 'Fn::Select': {
        if (Array.isArray(arg) && Array.isArray(arg[1])) {
          const i = typeof arg[0] === 'number' ? arg[0] : Number(arg[0]);
          const v = arg[1][i];
          return v === undefined ? new Unknown() : v;
        }
        return new Unknown();
      }
      default:
        return new Unknown();
    }
  }
}

export interface CloudFormationOptions {
  limits?: Partial<CloudFormationLimits>;
  rules?: readonly CloudRule[];
}

export function loadCloudFormation(path: string, content: string, opts: CloudFormationOptions = {}): { model: CloudModel; errors: FileError[] } {
  const parsed = parseCloudFormation(path, content, { ...DEFAULT_CFN_LIMITS, ...(opts.limits ?? {}) });
  if (!parsed.ok) return { model: { resources: [] }, errors: [{ path, error: parsed.error.message }] };
  return { model: { resources: parsed.value.resources }, errors: [] };
}

/** Scans one CloudFormation template with the built-in cloud rules (or `opts.rules`). */
export function scanCloudFormation(path: string, content: string, opts: CloudFormationOptions = {}): ScanResult {
  const { model, errors } = loadCloudFormation(path, content, opts);
  const findings = runCloudRules(opts.rules ?? cloudRules, model, (rule, e) => errors.push({ path, error: `rule ${rule} failed: ${String(e)}` }));
  return { findings, errors };
}

/** True when a YAML/JSON file looks like a CloudFormation template (cheap content sniff). */
export function looksLikeCloudFormation(content: string): boolean {
  return /AWSTemplateFormatVersion|"?Resources"?\s*:[\s\S]*"?Type"?\s*:\s*"?AWS::/.test(content.slice(0, 200_000));
}
