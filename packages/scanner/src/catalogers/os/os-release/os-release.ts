import { InputError, err, ok } from '@bulwark/core';
import type { Distro, Result } from '@bulwark/core';
import type { CatalogResult, Cataloger, FileInput } from '../../types.js';
import { textOf } from '../common.js';
import { checkSize } from '../../util.js';

const PATHS = ['/etc/os-release', '/usr/lib/os-release', '/etc/alpine-release', '/etc/debian_version', '/etc/redhat-release'] as const;

/**
 * Which file wins when an image has several: lower is better. os-release files are authoritative; the
 * distro-specific files are fallbacks for images without one (and carry point releases: debian_version "12.15").
 */
export function distroFilePriority(path: string): number {
  const i = PATHS.findIndex((p) => path === p || path.endsWith(p));
  return i < 0 ? PATHS.length : i;
}

/** Parses the os-release format: KEY=value lines, values optionally quoted (shell-like escapes in double quotes). */
export function parseOsRelease(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq);
    if (!/^[A-Z0-9_]+$/.test(key)) continue;
    let value = line.slice(eq + 1);
    const q = value[0];
    if ((q === '"' || q === "'") && value.length >= 2 && value.endsWith(q)) {
      value = value.slice(1, -1);
      if (q === '"') value = value.replace(/\\([\\$"`])/g, '$1');
    }
    out.set(key, value);
  }
  return out;
}

const RELEASE_NAMES: [RegExp, string][] = [
  [/^Red Hat Enterprise Linux/i, 'rhel'],
  [/^CentOS Stream/i, 'centos'],
  [/^CentOS/i, 'centos'],
  [/^Rocky Linux/i, 'rocky'],
  [/^AlmaLinux/i, 'almalinux'],
  [/^Fedora/i, 'fedora'],
  [/^Oracle Linux/i, 'ol'],
  [/^Amazon Linux/i, 'amzn'],
];

/** "Rocky Linux release 9.3 (Blue Onyx)" → rocky 9.3; undefined when the distro is not one we know. */
export function parseRedhatRelease(text: string): Distro | undefined {
  const line = text.split('\n')[0]?.trim() ?? '';
  const m = /^(.*?)\s+release\s+([0-9][0-9.]*)\s*(?:\((.*)\))?/.exec(line);
  if (!m) return undefined;
  const id = RELEASE_NAMES.find(([re]) => re.test(m[1]))?.[1];
  if (!id) return undefined;
  const d: Distro = { id, versionId: m[2], prettyName: line };
  if (m[3]) d.versionCodename = m[3];
  return d;
}

function distroOf(file: FileInput, text: string): Distro | undefined {
  const p = file.path;
  if (p.endsWith('os-release')) {
    const kv = parseOsRelease(text);
    const id = kv.get('ID');
    if (!id) return undefined;
    const d: Distro = { id: id.toLowerCase() };
    const versionId = kv.get('VERSION_ID');
    const codename = kv.get('VERSION_CODENAME') ?? kv.get('UBUNTU_CODENAME');
    const pretty = kv.get('PRETTY_NAME');
    if (versionId) d.versionId = versionId;
    if (codename) d.versionCodename = codename;
    if (pretty) d.prettyName = pretty;
    return d;
  }
  const first = text.split('\n')[0]?.trim() ?? '';
  if (p.endsWith('/etc/alpine-release')) {
    return /^[0-9][0-9A-Za-z._-]*$/.test(first) ? { id: 'alpine', versionId: first } : undefined;
  }
  if (p.endsWith('/etc/debian_version')) {
    // Testing/unstable write a codename ("trixie/sid"), stable a number ("12.15").
    if (/^[0-9][0-9.]*$/.test(first)) return { id: 'debian', versionId: first };
    if (/^[a-z]+\/sid$/.test(first)) return { id: 'debian', versionCodename: first.split('/')[0] };
    return undefined;
  }
  return parseRedhatRelease(text);
}

export const osRelease: Cataloger = {
  id: 'os/os-release',
  version: 1,
  maxBytes: 64 * 1024,
  matches(path) {
    return PATHS.some((p) => path === p || path.endsWith(p));
  },
  catalog(file): Result<CatalogResult, InputError> {
    const size = checkSize(file, this.maxBytes);
    if (!size.ok) return size;
    const text = textOf(file);
    if (text === undefined) return err(new InputError({ file: file.path, expected: 'a text file', message: 'binary content' }));
    const os = distroOf(file, text);
    if (!os) return err(new InputError({ file: file.path, expected: 'a distribution id and version' }));
    return ok({ packages: [], os });
  },
};
