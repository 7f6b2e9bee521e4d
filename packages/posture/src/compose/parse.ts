import { InputError, LimitError, err, ok } from '@bulwark/core';
import type { Result, SourceRange } from '@bulwark/core';
import { LineCounter, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node } from 'yaml';
import type { DocPath } from '../rules/types.js';

export interface ComposePort {
  raw: string;
  hostIp?: string;
  published?: string;
  target?: string;
  protocol?: string;
}

export interface ComposeVolume {
  raw: string;
  type?: string;
  source?: string;
  target?: string;
  readOnly: boolean;
}

export interface ComposeService {
  name: string;
  /** Path of the service in the document: ["services", name]. */
  path: DocPath;
  image?: string;
  build?: unknown;
  privileged: boolean;
  networkMode?: string;
  pid?: string;
  ipc?: string;
  user?: string;
  capAdd: string[];
  securityOpt: string[];
  ports: ComposePort[];
  volumes: ComposeVolume[];
  readOnly: boolean;
  raw: Record<string, unknown>;
}

export interface ComposeFile {
  file: string;
  services: ComposeService[];
  /** Lines of a field ("services", "web", "privileged"); undefined when absent. */
  rangeOf(path: DocPath): SourceRange | undefined;
  range: SourceRange;
}

export interface ComposeParseOptions {
  maxBytes?: number;
  maxDepth?: number;
  maxAliasCount?: number;
}

export const COMPOSE_MAX_BYTES = 4 * 1024 * 1024;

/** Parses a Compose file (compose-spec): services with images, ports, volumes and privilege settings, keeping lines. Pure. */
export function parseCompose(file: string, content: Buffer | string, opts: ComposeParseOptions = {}): Result<ComposeFile, InputError> {
  const maxBytes = opts.maxBytes ?? COMPOSE_MAX_BYTES;
  const maxDepth = opts.maxDepth ?? 64;
  const maxAliasCount = opts.maxAliasCount ?? 100;
  const size = typeof content === 'string' ? Buffer.byteLength(content) : content.length;
  if (size > maxBytes) return err(new LimitError({ file, limit: `maxBytes=${maxBytes}` }));
  const text = typeof content === 'string' ? content : content.toString('utf8');
  const lc = new LineCounter();
  let doc: Document;
  try {
    // Compose files rely on YAML 1.1 merge keys (`<<: *common`); without them anchored settings would be missed.
    doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: false, logLevel: 'error', merge: true });
  } catch (e) {
    return err(new InputError({ file, message: `cannot parse YAML: ${e instanceof Error ? e.message : String(e)}`, cause: e }));
  }
  const first = doc.errors[0];
  if (first) {
    const line = lc.linePos(first.pos[0]).line;
    return err(new InputError({ file, field: `line ${line}`, message: `${first.code}: ${first.message.split('\n')[0]}` }));
  }
  if (nodeDepth(doc.contents, maxDepth) > maxDepth) return err(new LimitError({ file, limit: `maxDepth=${maxDepth}` }));
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/alias/i.test(msg)) return err(new LimitError({ file, limit: `maxAliasCount=${maxAliasCount}`, message: msg }));
    return err(new InputError({ file, message: msg, cause: e }));
  }
  if (value === null || value === undefined) value = {};
  if (!isRecord(value)) return err(new InputError({ file, expected: 'a mapping at the top level' }));
  const servicesRaw = value.services ?? {};
  if (!isRecord(servicesRaw)) return err(new InputError({ file, field: 'services', expected: 'a mapping of service names to services' }));
  const services: ComposeService[] = [];
  for (const [name, svc] of Object.entries(servicesRaw)) {
    if (svc === null) continue;
    if (!isRecord(svc)) return err(new InputError({ file, field: `services.${name}`, expected: 'a mapping' }));
    services.push(toService(name, svc));
  }
  const lines = text.split('\n').length;
  const rangeOf = (path: DocPath): SourceRange | undefined => {
    let node: unknown = doc.contents;
    let keyStart: number | undefined;
    for (const seg of path) {
      keyStart = undefined;
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) return undefined;
        keyStart = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number') node = node.items[seg];
      else return undefined;
    }
    const r = (node as Node | null)?.range;
    const start = keyStart ?? r?.[0];
    if (start === undefined) return undefined;
    let end = Math.max(start, r?.[1] ?? start + 1);
    while (end > start + 1 && /\s/.test(text[end - 1] ?? '')) end--;
    return { startLine: lc.linePos(start).line, endLine: lc.linePos(Math.max(start, end - 1)).line };
  };
  return ok({ file, services, rangeOf, range: { startLine: 1, endLine: Math.max(1, lines) } });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function nodeDepth(node: unknown, limit: number, d = 0): number {
  if (d > limit) return d;
  if (isMap(node)) return Math.max(d, ...node.items.map((p) => nodeDepth(p.value, limit, d + 1)));
  if (isSeq(node)) return Math.max(d, ...node.items.map((x) => nodeDepth(x, limit, d + 1)));
  return d;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);

/** Short port syntax: [HOST_IP:][PUBLISHED:]TARGET[/PROTOCOL]. */
export function parsePort(v: unknown): ComposePort {
  if (isRecord(v)) {
    const p: ComposePort = { raw: JSON.stringify(v) };
    const h = str(v.host_ip), pub = str(v.published), t = str(v.target), pr = str(v.protocol);
    if (h !== undefined) p.hostIp = h;
    if (pub !== undefined) p.published = pub;
    if (t !== undefined) p.target = t;
    if (pr !== undefined) p.protocol = pr;
    return p;
  }
  const raw = str(v) ?? '';
  const [main, protocol] = raw.split('/');
  const out: ComposePort = { raw };
  if (protocol) out.protocol = protocol;
  const m = /^(?:(\[[^\]]+\]|[\d.]+):)?(?:([\d-]*):)?([\d-]+)$/.exec(main ?? '');
  if (m) {
    if (m[1]) out.hostIp = m[1].replace(/^\[|\]$/g, '');
    if (m[2]) out.published = m[2];
    out.target = m[3]!;
  }
  return out;
}

/** Short volume syntax: [SOURCE:]TARGET[:MODE]. */
export function parseVolume(v: unknown): ComposeVolume {
  if (isRecord(v)) {
    const out: ComposeVolume = { raw: JSON.stringify(v), readOnly: v.read_only === true };
    const t = str(v.type), s = str(v.source), tg = str(v.target);
    if (t !== undefined) out.type = t;
    if (s !== undefined) out.source = s;
    if (tg !== undefined) out.target = tg;
    return out;
  }
  const raw = str(v) ?? '';
  const parts = raw.split(':');
  const out: ComposeVolume = { raw, readOnly: false };
  if (parts.length === 1) out.target = parts[0]!;
  else {
    out.source = parts[0]!;
    out.target = parts[1]!;
    out.readOnly = (parts[2] ?? '').split(',').includes('ro');
    out.type = /^[./~]/.test(parts[0]!) ? 'bind' : 'volume';
  }
  return out;
}

function toService(name: string, s: Record<string, unknown>): ComposeService {
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  const svc: ComposeService = {
    name,
    path: ['services', name],
    privileged: s.privileged === true || s.privileged === 'true',
    capAdd: list(s.cap_add).map((x) => String(x).toUpperCase().replace(/^CAP_/, '')),
    securityOpt: list(s.security_opt).map(String),
    ports: list(s.ports).map(parsePort),
    volumes: list(s.volumes).map(parseVolume),
    readOnly: s.read_only === true,
    raw: s,
  };
  const image = str(s.image), nm = str(s.network_mode), pid = str(s.pid), ipc = str(s.ipc), user = str(s.user);
  if (image !== undefined) svc.image = image;
  if (s.build !== undefined) svc.build = s.build;
  if (nm !== undefined) svc.networkMode = nm;
  if (pid !== undefined) svc.pid = pid;
  if (ipc !== undefined) svc.ipc = ipc;
  if (user !== undefined) svc.user = user;
  return svc;
}
