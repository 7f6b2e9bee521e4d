import { stat } from 'node:fs/promises';
import { InputError } from '@bulwark/core';
import type { ConfigFinding, FileError } from '@bulwark/core';
import { looksLikeCloudFormation, scanCloudFormation, loadCloudFormation } from '../cloudformation/cloudformation.js';
import { composeRules } from '../compose/all.js';
import { scanCompose } from '../compose/scan.js';
import { scanDockerfile } from '../dockerfile/scan.js';
import { parseKubernetes } from '../kubernetes/parse.js';
import { scanKubernetesFiles } from '../kubernetes/scan.js';
import type { K8sRule } from '../kubernetes/rule.js';
import { dockerfileRules } from '../rules/dockerfile/all.js';
import { kubernetesRules } from '../rules/kubernetes/registry.js';
import { cloudRules } from '../terraform/registry.js';
import { loadTerraform, scanTerraform } from '../terraform/terraform.js';
import { selectRules } from './catalog.js';
import type { RuleSelection } from './catalog.js';
import { classifyByContent, classifyByName, isUnrenderedTemplate } from './detect.js';
import type { ConfigFileType } from './detect.js';
import { inventoryOfCloud, inventoryOfKubernetes } from './inventory.js';
import type { ScannedResource } from './inventory.js';
import { DEFAULT_WALK_LIMITS, readBounded, walkTree } from './walk.js';
import type { WalkLimits } from './walk.js';

export interface ConfigScanOptions extends RuleSelection {
  limits?: Partial<WalkLimits>;
  /** Reads in flight at once (default 16). */
  concurrency?: number;
  /** Also list every scanned resource (compliance needs the applicable set); costs a second parse. */
  inventory?: boolean;
  /** Custom Kubernetes rules (CEL policies from `loadPolicies`), run beside the built-ins. */
  policyRules?: readonly K8sRule[];
  onProgress?: (e: { phase: 'read' | 'scan'; done: number; total: number }) => void;
}

export interface ScannedFile {
  /** Relative to the scan root, '/'-separated. */
  path: string;
  type: ConfigFileType;
}

export interface ConfigScanResult {
  findings: ConfigFinding[];
  /** Files that could not be read or parsed (the message names file and, where known, line). */
  errors: FileError[];
  files: ScannedFile[];
  /** Files seen but not scanned, and why (unrendered Helm templates, JSON-syntax Terraform). */
  warnings: string[];
  /** With `inventory`: every resource the rules looked at. */
  resources?: ScannedResource[];
}

export interface ConfigSource {
  path: string;
  content: Buffer;
}

function compareFindings(a: ConfigFinding, b: ConfigFinding): number {
  return (
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.range.startLine - b.range.startLine ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) ||
    ((a.resource ?? '') < (b.resource ?? '') ? -1 : (a.resource ?? '') > (b.resource ?? '') ? 1 : 0) ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}

function dedupe(findings: ConfigFinding[]): ConfigFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const k = `${f.ruleId}\0${f.file}\0${f.range.startLine}\0${f.resource ?? ''}\0${f.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Which type each source is; `undefined` for files that hold no configuration we scan. Pure. */
export function detectConfigType(path: string, content: Buffer | string): ConfigFileType | 'tf-json' | 'template' | undefined {
  const byName = classifyByName(path);
  if (!byName) return undefined;
  if (byName.kind === 'type') return byName.type;
  if (byName.kind === 'tf-json') return 'tf-json';
  const text = typeof content === 'string' ? content : content.toString('utf8');
  const t = classifyByContent(byName.syntax, text);
  if (t && isUnrenderedTemplate(path, text)) return 'template';
  return t;
}

/**
 * Scans configuration sources already in memory (paths as they should appear in findings). Pure: detection by name
 * and content, then Kubernetes files together (cross-object rules see the set), Terraform files together (modules
 * resolve across folders), CloudFormation, compose and Dockerfiles one by one.
 */
export function scanConfigSources(sources: readonly ConfigSource[], opts: Omit<ConfigScanOptions, 'limits' | 'concurrency'> = {}): ConfigScanResult {
  const files: ScannedFile[] = [];
  const errors: FileError[] = [];
  const warnings: string[] = [];
  const findings: ConfigFinding[] = [];
  const k8s: ConfigSource[] = [];
  const tf: { path: string; content: string }[] = [];
  const single: { src: ConfigSource; type: 'dockerfile' | 'compose' | 'cloudformation' }[] = [];
  for (const src of sources) {
    const type = detectConfigType(src.path, src.content);
    if (type === undefined) continue;
    if (type === 'tf-json') {
      warnings.push(`${src.path}: JSON-syntax Terraform is not scanned (only native .tf syntax and plan JSON)`);
      continue;
    }
    if (type === 'template') {
      warnings.push(`${src.path}: unrendered Helm template skipped (scan the output of \`helm template\`)`);
      continue;
    }
    files.push({ path: src.path, type });
    if (type === 'kubernetes') k8s.push(src);
    else if (type === 'terraform') tf.push({ path: src.path, content: src.content.toString('utf8') });
    else single.push({ src, type });
  }
  const sel: RuleSelection = { ...(opts.include ? { include: opts.include } : {}), ...(opts.exclude ? { exclude: opts.exclude } : {}) };
  const ruleError = (path: string) => (rule: string, e: unknown) => errors.push({ path, error: `rule ${rule} failed: ${e instanceof Error ? e.message : String(e)}` });
  const total = single.length + (k8s.length > 0 ? 1 : 0) + (tf.length > 0 ? 1 : 0);
  let done = 0;
  const tick = (): void => opts.onProgress?.({ phase: 'scan', done: ++done, total });

  if (k8s.length > 0) {
    const rules = [...selectRules(kubernetesRules, sel), ...selectRules(opts.policyRules ?? [], sel)];
    const r = scanKubernetesFiles(k8s, rules, { onRuleError: ruleError('(kubernetes rules)') });
    findings.push(...r.findings);
    errors.push(...r.errors.map(toFileError));
    tick();
  }
  if (tf.length > 0) {
    const rules = selectRules(cloudRules, sel);
    const r = scanTerraform(tf, { rules });
    findings.push(...r.findings);
    errors.push(...r.errors);
    tick();
  }
  const dfRules = selectRules(dockerfileRules, sel);
  const composeSel = selectRules(composeRules, sel);
  const cfnRules = selectRules(cloudRules, sel);
  for (const { src, type } of single) {
    if (type === 'dockerfile') {
      const r = scanDockerfile(src.path, src.content, dfRules, { onRuleError: ruleError(src.path) });
      findings.push(...r.findings);
      errors.push(...r.errors.map(toFileError));
    } else if (type === 'compose') {
      const r = scanCompose(src.path, src.content, composeSel);
      findings.push(...r.findings);
      errors.push(...r.errors.map(toFileError));
    } else {
      const text = src.content.toString('utf8');
      if (!looksLikeCloudFormation(text)) warnings.push(`${src.path}: scanned as CloudFormation`);
      const r = scanCloudFormation(src.path, text, { rules: cfnRules });
      findings.push(...r.findings);
      errors.push(...r.errors);
    }
    tick();
  }
  const result: ConfigScanResult = { findings: dedupe(findings).sort(compareFindings), errors, files, warnings };
  if (opts.inventory) result.resources = inventory(k8s, tf, single);
  return result;
}

function inventory(
  k8s: readonly ConfigSource[],
  tf: readonly { path: string; content: string }[],
  single: readonly { src: ConfigSource; type: 'dockerfile' | 'compose' | 'cloudformation' }[],
): ScannedResource[] {
  const out: ScannedResource[] = [];
  for (const f of k8s) {
    const r = parseKubernetes(f.path, f.content);
    if (r.ok) out.push(...inventoryOfKubernetes(r.value));
  }
  if (tf.length > 0) out.push(...inventoryOfCloud('terraform', loadTerraform(tf).model.resources));
  for (const { src, type } of single) {
    if (type === 'cloudformation') out.push(...inventoryOfCloud('cloudformation', loadCloudFormation(src.path, src.content.toString('utf8')).model.resources));
    else out.push({ target: type, type: type === 'dockerfile' ? 'Dockerfile' : 'compose', name: src.path, file: src.path });
  }
  return out;
}

function toFileError(e: InputError): FileError {
  return { path: e.file, error: e.message };
}

/**
 * Walks a directory tree (or takes one file), reads the configuration files in it with bounded concurrency and
 * scans them (`scanConfigSources`). Skips .git, node_modules, vendor and .terraform, follows symlinks once per
 * directory, and honours the size and count limits. Paths in the result are relative to `root`.
 */
export async function scanConfigTree(root: string, opts: ConfigScanOptions = {}): Promise<ConfigScanResult> {
  try {
    await stat(root);
  } catch (e) {
    throw new InputError({ file: root, message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}` });
  }
  const limits = { ...DEFAULT_WALK_LIMITS, ...(opts.limits ?? {}) };
  const walked = await walkTree(root, (rel) => classifyByName(rel) !== undefined, limits);
  let done = 0;
  const read = await readBounded(walked.files, opts.concurrency ?? 16);
  const sources: ConfigSource[] = [];
  const errors: FileError[] = [...walked.errors];
  for (const r of read) {
    opts.onProgress?.({ phase: 'read', done: ++done, total: read.length });
    if (r.content) sources.push({ path: r.file.rel, content: r.content });
    else errors.push({ path: r.file.rel, error: r.error ?? 'cannot read' });
  }
  const result = scanConfigSources(sources, opts);
  result.errors = [...errors, ...result.errors].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return result;
}
