import { InputError, LimitError } from '@bulwark/core';
import type { ConfigFinding, FileError } from '@bulwark/core';
import { cloudRules } from './registry.js';
import type { CloudModel, CloudResource, CloudValue } from './cloud-model.js';
import { runCloudRules } from './cloud-rule.js';
import type { CloudRule } from './cloud-rule.js';
import { evaluateModule, tfvarsOf } from './evaluate.js';
import type { ModuleInstance, ParsedFile } from './evaluate.js';
import { DEFAULT_HCL_LIMITS, parseHcl } from './hcl.js';
import type { HclLimits } from './hcl.js';

export interface SourceFile {
  path: string;
  content: string;
}

export interface ScanResult {
  findings: ConfigFinding[];
  errors: FileError[];
}

export interface TerraformOptions {
  limits?: Partial<HclLimits>;
  /** Deepest chain of local module calls followed. */
  maxModuleDepth?: number;
  rules?: readonly CloudRule[];
}

function dirOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '.' : p.slice(0, i) || '/';
}

function joinPath(dir: string, rel: string): string {
  const parts = dir === '.' ? [] : dir.split('/');
  for (const seg of rel.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length === 0 || parts[parts.length - 1] === '..') parts.push('..');
      else parts.pop();
    } else parts.push(seg);
  }
  return parts.length === 0 ? '.' : parts.join('/');
}

/**
 * Builds the resource model of a set of Terraform files (.tf, .tfvars, plan .json): every directory is a module; those
 * no other module calls with a local `source` are roots, evaluated with terraform.tfvars / *.auto.tfvars; local module
 * calls are followed with their inputs bound. One bad file never fails the scan: it lands in `errors`.
 */
export function loadTerraform(files: readonly SourceFile[], opts: TerraformOptions = {}): { model: CloudModel; errors: FileError[] } {
  const limits = { ...DEFAULT_HCL_LIMITS, ...(opts.limits ?? {}) };
  const errors: FileError[] = [];
  const byDir = new Map<string, ParsedFile[]>();
  const tfvarsByDir = new Map<string, ParsedFile[]>();
  const resources: CloudResource[] = [];
  for (const f of files) {
    if (f.path.endsWith('.json')) {
      const plan = parsePlan(f.path, f.content, limits);
      if (plan.ok) resources.push(...plan.resources);
      else errors.push({ path: f.path, error: plan.error.message });
      continue;
    }
    const parsed = parseHcl(f.path, f.content, limits);
    if (!parsed.ok) {
      errors.push({ path: f.path, error: parsed.error.message });
      continue;
    }
    const target = f.path.endsWith('.tfvars') ? tfvarsByDir : byDir;
    const dir = dirOf(f.path);
    (target.get(dir) ?? target.set(dir, []).get(dir)!).push({ path: f.path, body: parsed.value });
  }
  const called = new Set<string>();
  for (const [dir, fs] of byDir) {
    for (const f of fs) {
      for (const b of f.body.blocks) {
        if (b.type !== 'module') continue;
        const src = b.body.attributes.find((a) => a.name === 'source');
        if (src?.expr.kind === 'template' && typeof src.expr.parts[0] === 'string' && /^\.\.?\//.test(src.expr.parts[0])) called.add(joinPath(dir, src.expr.parts[0]));
      }
    }
  }
  const maxDepth = opts.maxModuleDepth ?? 8;
  const visit = (mod: ModuleInstance, depth: number): void => {
    const { resources: rs, calls } = evaluateModule(mod, mod.prefix === '' ? tfvarsOf(tfvarsByDir.get(mod.dir) ?? []) : new Map());
    resources.push(...rs);
    for (const c of calls) {
      if (!/^\.\.?\//.test(c.source)) continue;
      const dir = joinPath(mod.dir, c.source);
      const fs = byDir.get(dir);
      if (!fs) continue;
      if (depth >= maxDepth) {
        errors.push({ path: dir, error: new LimitError({ file: dir, limit: `maxModuleDepth=${maxDepth}` }).message });
        continue;
      }
      visit({ dir, files: fs, inputs: c.inputs, prefix: `${mod.prefix}module.${c.name}.` }, depth + 1);
    }
  };
  for (const [dir, fs] of byDir) if (!called.has(dir)) visit({ dir, files: fs, inputs: new Map(), prefix: '' }, 0);
  return { model: { resources }, errors };
}

/** Scans Terraform files with the built-in cloud rules (or `opts.rules`). */
export function scanTerraform(files: readonly SourceFile[], opts: TerraformOptions = {}): ScanResult {
  const { model, errors } = loadTerraform(files, opts);
  const findings = runCloudRules(opts.rules ?? cloudRules, model, (rule, e) => errors.push({ path: '(rule)', error: `rule ${rule} failed: ${String(e)}` }));
  return { findings, errors };
}

type PlanResult = { ok: true; resources: CloudResource[] } | { ok: false; error: InputError };

/** `terraform show -json` output: planned_values.root_module (and child_modules) resources; lines are not known. */
export function parsePlan(file: string, content: string, limits: HclLimits = DEFAULT_HCL_LIMITS): PlanResult {
  if (content.length > limits.maxBytes) return { ok: false, error: new LimitError({ file, limit: `maxBytes=${limits.maxBytes}` }) };
  let doc: unknown;
  try {
    doc = JSON.parse(content);
  } catch (e) {
    return { ok: false, error: new InputError({ file, expected: 'terraform plan JSON', message: `not JSON: ${(e as Error).message}` }) };
  }
  if (depthOf(doc, limits.maxDepth) > limits.maxDepth) return { ok: false, error: new LimitError({ file, limit: `maxDepth=${limits.maxDepth}` }) };
  const root = (doc as { planned_values?: { root_module?: unknown } } | null)?.planned_values?.root_module;
  if (typeof root !== 'object' || root === null) return { ok: false, error: new InputError({ file, field: 'planned_values.root_module', expected: 'terraform show -json output' }) };
  const out: CloudResource[] = [];
  const walk = (m: { resources?: unknown; child_modules?: unknown }): void => {
    for (const r of Array.isArray(m.resources) ? m.resources : []) {
      if (typeof r !== 'object' || r === null) continue;
      const { address, type, name, mode, values } = r as Record<string, unknown>;
      if (typeof type !== 'string' || typeof name !== 'string' || typeof address !== 'string') continue;
      out.push({
        provider: 'terraform',
        type: mode === 'data' ? `data.${type}` : type,
        name,
        label: address.replace(/\[[^\]]*\]/g, ''),
        file,
        range: { startLine: 1, endLine: 1 },
        attributes: (typeof values === 'object' && values !== null && !Array.isArray(values) ? values : {}) as { [k: string]: CloudValue },
        rangeOf: () => undefined,
      });
    }
    for (const c of Array.isArray(m.child_modules) ? m.child_modules : []) if (typeof c === 'object' && c !== null) walk(c as typeof m);
  };
  walk(root as { resources?: unknown });
  return { ok: true, resources: out };
}

function depthOf(v: unknown, cap: number, d = 0): number {
  if (d > cap || typeof v !== 'object' || v === null) return d;
  let max = d;
  for (const x of Object.values(v)) {
    max = Math.max(max, depthOf(x, cap, d + 1));
    if (max > cap) break;
  }
  return max;
}
