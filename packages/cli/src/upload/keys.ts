// Asset keys and finding locators that stay the same from one run to the next, so the platform's fingerprint
// (type + ruleId + asset + locator) follows a finding over time.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { FindingInput } from '@bulwark/platform';

/**
 * An image reference as the registry resolves it: "nginx" → "docker.io/library/nginx:latest",
 * "ghcr.io/a/b@sha256:…" kept, "localhost/lab-app:1" kept. The same image named in a pod spec and scanned by the
 * CLI then gets the same key.
 */
export function normalizeImageRef(ref: string): string {
  let r = ref.trim();
  const at = r.indexOf('@');
  const digest = at >= 0 ? r.slice(at) : '';
  if (at >= 0) r = r.slice(0, at);
  const slash = r.indexOf('/');
  const first = slash >= 0 ? r.slice(0, slash) : '';
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let registry = hasRegistry ? first : 'docker.io';
  let path = hasRegistry ? r.slice(slash + 1) : r;
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = 'docker.io';
  const colon = path.lastIndexOf(':');
  const tag = colon >= 0 ? path.slice(colon) : '';
  if (colon >= 0) path = path.slice(0, colon);
  if (registry === 'docker.io' && !path.includes('/')) path = `library/${path}`;
  const withTag = tag || (digest ? '' : ':latest');
  return `${registry}/${path}${withTag}${digest}`;
}

export function sha12(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/** The repository a path is in: its git remote (credentials removed) or, outside git, the absolute directory. */
export interface RepositoryInfo {
  /** "github.com/acme/shop", or "local:<host>:/abs/dir" without a remote. */
  key: string;
  name: string;
  /** The scanned path relative to the repository root, '/'-separated ('' for the root itself). */
  subpath: string;
  attributes: Record<string, unknown>;
}

function gitRoot(start: string): string | undefined {
  let dir = start;
  for (let i = 0; i < 64; i++) {
    if (existsSync(join(dir, '.git'))) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
  return undefined;
}

/** "https://user:pw@github.com/acme/shop.git", "git@github.com:acme/shop.git" → "github.com/acme/shop". */
export function normalizeRemote(url: string): string {
  let u = url.trim();
  const scp = /^[^@/\s]+@([^:/\s]+):(.+)$/.exec(u);
  if (scp) u = `${scp[1]}/${scp[2]}`;
  else u = u.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/^[^@/]*@/, '');
  return u.replace(/\.git\/?$/, '').replace(/\/+$/, '').toLowerCase();
}

function originUrl(root: string): string | undefined {
  let configPath = join(root, '.git', 'config');
  try {
    if (statSync(join(root, '.git')).isFile()) {
      // A worktree or submodule: ".git" names the real git directory.
      const m = /^gitdir:\s*(.+)$/m.exec(readFileSync(join(root, '.git'), 'utf8'));
      if (m) configPath = join(resolve(root, m[1].trim()), 'config');
    }
    const text = readFileSync(configPath, 'utf8');
    const section = /\[remote "origin"\]([^[]*)/.exec(text);
    return section ? /^\s*url\s*=\s*(.+)$/m.exec(section[1])?.[1]?.trim() : undefined;
  } catch {
    return undefined;
  }
}

/** Where `path` (a file or directory) lives, for fs and config scans. */
export function repositoryOf(path: string): RepositoryInfo {
  const abs = resolve(path);
  let dir = abs;
  try {
    if (!statSync(abs).isDirectory()) dir = dirname(abs);
  } catch {
    dir = dirname(abs);
  }
  const root = gitRoot(dir);
  const remote = root ? originUrl(root) : undefined;
  const base = root ?? dir;
  const subpath = relative(base, abs).split(sep).join('/');
  if (remote) {
    const key = normalizeRemote(remote);
    return { key, name: key.split('/').slice(-2).join('/'), subpath, attributes: { remote: key } };
  }
  return { key: `local:${hostname()}:${base}`, name: base.split(sep).filter(Boolean).pop() ?? base, subpath, attributes: { path: base, host: hostname() } };
}

/**
 * Makes locators unique within (type, ruleId, asset): where several findings share one, each gets the hash of its
 * message (what tells two containers or two instructions apart), and exact repeats an occurrence number. Findings
 * that are alone keep their plain locator. Order is preserved.
 */
export function uniqueLocators(findings: (FindingInput & { locator: string })[], messageOf: (i: number) => string): FindingInput[] {
  const group = (f: FindingInput): string => `${f.type}\u0000${f.ruleId}\u0000${f.asset.kind}\u0000${f.asset.key}\u0000${f.locator ?? ''}`;
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(group(f), (counts.get(group(f)) ?? 0) + 1);
  const seen = new Map<string, number>();
  return findings.map((f, i) => {
    if ((counts.get(group(f)) ?? 0) < 2) return f;
    const withMessage = `${f.locator} #${sha12(messageOf(i))}`;
    const k = `${group(f)}\u0000${withMessage}`;
    const n = (seen.get(k) ?? 0) + 1;
    seen.set(k, n);
    return { ...f, locator: n === 1 ? withMessage : `${withMessage} #${n}` };
  });
}

/** Truncates text to `max` characters on a character boundary. */
export function clip(text: string | undefined, max: number): string | undefined {
  if (text === undefined) return undefined;
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
