import { parseDocument } from 'yaml';
import type { K8sResource } from '../../../kubernetes/parse.js';
import { getIn, isRecord } from '../../../kubernetes/workload.js';
import type { DocPath, Violation } from '../../types.js';

/**
 * Node data objects: Bulwark's `host.bulwark.dev/v1alpha1` kinds, which use the field layout of kubescape's host
 * sensor (`hostdata.kubescape.cloud/v1beta0`), so both are accepted as they are.
 */
export const HOST_API_VERSIONS: ReadonlySet<string> = new Set(['host.bulwark.dev/v1alpha1', 'hostdata.kubescape.cloud/v1beta0']);

export type HostKind = 'ControlPlaneInfo' | 'KubeletInfo' | 'KubeProxyInfo' | 'CNIInfo' | 'cloudProviderInfo' | 'LinuxKernelVariables';

/** Largest embedded file (base64 `content`) decoded; bigger ones count as unreadable. */
export const MAX_EMBEDDED_BYTES = 1 << 20;

export function isHost(r: K8sResource, kind: HostKind): boolean {
  return r.kind === kind && HOST_API_VERSIONS.has(r.apiVersion);
}

/** "KubeletInfo/node-1": host objects are per node and carry no namespace. */
export function hostLabel(r: K8sResource): string {
  return `${r.kind}/${r.name || 'node'}`;
}

/** A file the sensor stat-ed: mode bits as a number (0o600 = 384), owner names, optionally its content in base64. */
export interface HostFile {
  path: string;
  permissions?: number;
  ownership?: { username?: string; groupname?: string; uid?: number; gid?: number; error?: unknown };
  content?: string;
}

/** The file(s) at a path of a host object (one object, or an array of them), each with its own path. */
export function filesAt(r: K8sResource, path: DocPath): { file: HostFile; path: DocPath }[] {
  const v = getIn(r.object, path);
  const one = (x: unknown, p: DocPath): { file: HostFile; path: DocPath }[] =>
    isRecord(x) && typeof x.path === 'string' ? [{ file: x as unknown as HostFile, path: p }] : [];
  if (Array.isArray(v)) return v.flatMap((x, i) => one(x, [...path, i]));
  return one(v, path);
}

/** Decoded text of an embedded file; undefined when absent, not base64 or too large. */
export function decodeContent(content: unknown): string | undefined {
  if (typeof content !== 'string' || content === '') return undefined;
  if (content.length > (MAX_EMBEDDED_BYTES * 4) / 3 + 4) return undefined;
  if (!/^[A-Za-z0-9+/=\s_-]*$/.test(content)) return undefined;
  return Buffer.from(content, 'base64').toString('utf8');
}

/** Parses an embedded YAML/JSON document; undefined when it is not a mapping or does not parse. */
export function parseEmbedded(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const doc = parseDocument(text, { uniqueKeys: false });
    // a malformed file is unreadable, not half-read (yaml would keep e.g. a multi-line implicit key)
    if (doc.errors.length > 0) return undefined;
    const v: unknown = doc.toJS({ maxAliasCount: 100 });
    return isRecord(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Command-line flags ("--name=value", "--name value", bare "--name"), last occurrence wins. */
export function parseFlags(cmdLine: string, boolFlags: ReadonlySet<string> = new Set()): Map<string, string> {
  const words = cmdLine.trim().split(/\s+/).filter(Boolean);
  const out = new Map<string, string>();
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (!w.startsWith('--') || w === '--') continue;
    const eq = w.indexOf('=');
    if (eq >= 0) {
      out.set(w.slice(2, eq), w.slice(eq + 1).replace(/^["']|["']$/g, ''));
      continue;
    }
    const name = w.slice(2);
    const next = words[i + 1];
    if (!boolFlags.has(name) && next !== undefined && !next.startsWith('-')) {
      out.set(name, next.replace(/^["']|["']$/g, ''));
      i++;
    } else out.set(name, 'true');
  }
  return out;
}

/** A violation placed on a host object (label "Kind/node"). */
export function hostViolation(r: K8sResource, message: string, path: DocPath): Violation {
  return { message, path, resource: hostLabel(r) };
}
