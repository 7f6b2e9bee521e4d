import { isComposePath } from '../compose/scan.js';
import { isDockerfilePath } from '../dockerfile/scan.js';
import type { RuleTarget } from '../rules/types.js';

/** What a file is, as far as the config scan cares. */
export type ConfigFileType = RuleTarget;

/** What the name alone says: a definite type, a YAML/JSON file to sniff, or nothing to read. */
export type NameClass = { kind: 'type'; type: ConfigFileType } | { kind: 'sniff'; syntax: 'yaml' | 'json' } | { kind: 'tf-json' } | undefined;

// Files named like Dockerfiles that are not: docs, ignore files, editor leftovers.
const NOT_DOCKERFILE = /\.(md|markdown|rst|txt|dockerignore|orig|rej|bak|swp|json|ya?ml|sh|ps1|py|go|js|ts)$/i;

function baseName(path: string): string {
  return path.replace(/^.*[\\/]/, '');
}

/** Cheap, path-only classification; decides which files are read at all. */
export function classifyByName(path: string): NameClass {
  const base = baseName(path);
  const lower = base.toLowerCase();
  if (isDockerfilePath(base) && !NOT_DOCKERFILE.test(base)) return { kind: 'type', type: 'dockerfile' };
  if (lower.endsWith('.tf') || lower.endsWith('.tfvars')) return { kind: 'type', type: 'terraform' };
  // JSON-syntax Terraform (.tf.json, .tfvars.json): the HCL loader reads native syntax only.
  if (lower.endsWith('.tf.json') || lower.endsWith('.tfvars.json')) return { kind: 'tf-json' };
  if (isComposePath(base)) return { kind: 'type', type: 'compose' };
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return { kind: 'sniff', syntax: 'yaml' };
  if (lower.endsWith('.json')) return { kind: 'sniff', syntax: 'json' };
  return undefined;
}

const SNIFF_BYTES = 256 * 1024;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function jsonType(doc: unknown): ConfigFileType | undefined {
  if (!isRecord(doc)) return undefined;
  if ('planned_values' in doc || 'resource_changes' in doc) return 'terraform';
  if ('AWSTemplateFormatVersion' in doc) return 'cloudformation';
  const res = doc.Resources;
  if (isRecord(res) && Object.values(res).some((r) => isRecord(r) && typeof r.Type === 'string' && r.Type.startsWith('AWS::'))) return 'cloudformation';
  if (typeof doc.apiVersion === 'string' && typeof doc.kind === 'string') return 'kubernetes';
  return undefined;
}

/**
 * Decides what a YAML or JSON file holds from its content: Terraform plan JSON (`planned_values` /
 * `resource_changes`), CloudFormation (`AWSTemplateFormatVersion`, or `Resources` with `AWS::` types), Kubernetes
 * (top-level `apiVersion` and `kind` in some document), docker-compose (top-level `services:`). Undefined: not a
 * configuration file we scan (Helm values, CI configs, package.json...). JSON that does not parse is sniffed as YAML
 * text, so a broken manifest still reaches its parser and is reported with its line.
 */
export function classifyByContent(syntax: 'yaml' | 'json', text: string): ConfigFileType | undefined {
  const head = text.length > SNIFF_BYTES ? text.slice(0, SNIFF_BYTES) : text;
  const trimmed = head.trimStart();
  if (syntax === 'json' || trimmed.startsWith('{')) {
    if (trimmed.startsWith('{')) {
      try {
        const t = jsonType(JSON.parse(text));
        if (t) return t;
        return undefined;
      } catch {
        // not JSON after all (or broken JSON): fall through to the text sniff
      }
    } else if (syntax === 'json') return undefined; // arrays, scalars: never a config document
  }
  if (/^AWSTemplateFormatVersion\s*:/m.test(head) || /"AWSTemplateFormatVersion"\s*:/.test(head)) return 'cloudformation';
  if (/^Resources\s*:/m.test(head) && /^\s+Type\s*:\s*['"]?AWS::/m.test(head)) return 'cloudformation';
  if (/"planned_values"\s*:|"resource_changes"\s*:/.test(head)) return 'terraform';
  const apiVersion = /^(?:---[ \t]*\n)?apiVersion\s*:/m.test(head) || /"apiVersion"\s*:/.test(head);
  const kind = /^kind\s*:/m.test(head) || /"kind"\s*:/.test(head);
  if (apiVersion && kind) return 'kubernetes';
  if (/^services\s*:/m.test(head)) return 'compose';
  return undefined;
}

/** Helm chart templates (Go template actions in YAML under templates/) cannot be parsed before rendering. */
export function isUnrenderedTemplate(path: string, text: string): boolean {
  return /(^|\/)templates\//.test(path) && /\{\{[-\s]/.test(text);
}
