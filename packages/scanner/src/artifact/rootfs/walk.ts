import { lstat, readFile, readdir, readlink, stat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError, LimitError, describeError, withLimits } from '@bulwark/core';
import type { Limits } from '@bulwark/core';
import type { ArtifactLayout, ArtifactSource, EntryHandler, LayerVisitor } from '../types.js';

/** File systems with no files worth scanning (kernel views, device nodes, control interfaces). */
export const PSEUDO_FS = new Set([
  'proc', 'sysfs', 'devtmpfs', 'devpts', 'cgroup', 'cgroup2', 'securityfs', 'debugfs', 'tracefs', 'bpf', 'mqueue',
  'hugetlbfs', 'fusectl', 'configfs', 'pstore', 'binfmt_misc', 'autofs', 'nsfs', 'efivarfs', 'rpc_pipefs', 'nfsd', 'selinuxfs',
]);

/** Always skipped under a rootfs, whatever is mounted there. */
const ROOTFS_SKIP = ['/proc', '/sys', '/dev', '/run'];

/** Mount points (absolute host paths) of pseudo file systems, from /proc/self/mountinfo. */
export function pseudoMounts(mountinfo?: string): string[] {
  let text = mountinfo;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/mountinfo', 'utf8');
    } catch {
      return [];
    }
  }
  const out: string[] = [];
  for (const line of text.split('\n')) {
    // "36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw,errors=continue"
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const fields = line.slice(0, sep).split(' ');
    const fstype = line.slice(sep + 3).split(' ')[0];
    if (fields.length >= 5 && PSEUDO_FS.has(fstype)) out.push(fields[4].replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
  }
  return out;
}

export interface WalkOptions {
  /** Internal absolute paths ("/proc") to skip with everything below. */
  skipPaths: Set<string>;
  /** Entry names skipped wherever they appear (".git"). */
  skipNames: Set<string>;
  maxEntries: number;
}

/**
 * Walks a directory with lstat semantics: symlinks are reported, never followed; sockets, FIFOs and
 * devices are ignored; unreadable directories and files become file errors. Paths are reported as
 * absolute posix paths with the walked directory as "/".
 */
export async function walkDirectory(root: string, handler: EntryHandler, opts: WalkOptions, onBytes?: (n: number) => void): Promise<void> {
  const stack: string[] = ['/'];
  let entries = 0;
  while (stack.length > 0) {
    const dir = stack.pop()!;
    let names;
    try {
      names = await readdir(root + (dir === '/' ? '' : dir), { withFileTypes: true });
    } catch (e) {
      handler.onFileError(dir, `cannot list directory: ${describeError(e)}`);
      continue;
    }
    names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: string[] = [];
    for (const d of names) {
      const path = dir === '/' ? `/${d.name}` : `${dir}/${d.name}`;
      if (opts.skipNames.has(d.name) || opts.skipPaths.has(path)) continue;
      if (++entries > opts.maxEntries) throw new LimitError({ file: root, limit: `maxEntries=${opts.maxEntries}`, message: `more than ${opts.maxEntries} entries` });
      const abs = root + path;
      if (d.isDirectory()) {
        handler.onEntry({ path, type: 'dir', size: 0, mode: 0o755 });
        subdirs.push(path);
        continue;
      }
      if (!d.isFile() && !d.isSymbolicLink()) continue;
      let st;
      try {
        st = await lstat(abs);
      } catch (e) {
        handler.onFileError(path, describeError(e));
        continue;
      }
      if (st.isSymbolicLink()) {
        let target: string;
        try {
          target = await readlink(abs);
        } catch (e) {
          handler.onFileError(path, describeError(e));
          continue;
        }
        handler.onEntry({ path, type: 'symlink', size: 0, mode: st.mode & 0o7777, linkTarget: target });
        continue;
      }
      if (!st.isFile()) continue;
      const entry = { path, type: 'file' as const, size: st.size, mode: st.mode & 0o7777 };
      if (!handler.onEntry(entry)) continue;
      let content: Buffer;
      try {
        content = await readFile(abs);
      } catch (e) {
        handler.onFileError(path, describeError(e));
        continue;
      }
      onBytes?.(content.length);
      handler.onContent(entry, content);
    }
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]);
  }
}

export interface DirectoryOptions {
  limits?: Partial<Limits>;
  /** Relative paths ("vendor/cache") or bare names ("node_modules") to skip. `.git` is always skipped. */
  skip?: string[];
}

async function requireDir(dir: string): Promise<string> {
  const abs = resolve(dir);
  let st;
  try {
    st = await stat(abs);
  } catch (e) {
    throw new InputError({ file: dir, message: `cannot open: ${describeError(e)}`, cause: e });
  }
  if (!st.isDirectory()) throw new InputError({ file: dir, expected: 'a directory' });
  return abs === '/' ? '' : abs;
}

function dirSource(kind: 'rootfs' | 'fs', name: string, root: string, walk: WalkOptions): ArtifactSource {
  const layout: ArtifactLayout = { layers: [{ id: kind }], warnings: [] };
  return {
    kind,
    name,
    pathStyle: kind === 'fs' ? 'relative' : 'absolute',
    layout,
    async read(visitor: LayerVisitor): Promise<ArtifactLayout> {
      const handler = visitor.onLayer(layout.layers[0]);
      if (handler) {
        let done = 0;
        await walkDirectory(root, handler, walk, (n) => {
          done += n;
          visitor.onBytes?.(done, undefined);
        });
        visitor.onLayerEnd?.(layout.layers[0]);
      }
      return layout;
    },
    async close() {},
  };
}

/** `scan rootfs DIR`: absolute paths; skips /proc /sys /dev /run and pseudo-filesystem mounts under DIR. */
export async function openRootfs(dir: string, opts: DirectoryOptions & { mountinfo?: string } = {}): Promise<ArtifactSource> {
  const root = await requireDir(dir);
  const limits = withLimits(opts.limits);
  const skipPaths = new Set(ROOTFS_SKIP);
  for (const m of pseudoMounts(opts.mountinfo)) {
    if (root === '' || m === root || m.startsWith(root + '/')) {
      const inner = m.slice(root.length) || '/';
      if (inner !== '/') skipPaths.add(inner);
    }
  }
  for (const s of opts.skip ?? []) skipPaths.add('/' + s.replace(/^\/+|\/+$/g, ''));
  return dirSource('rootfs', dir, root, { skipPaths, skipNames: new Set(), maxEntries: limits.maxEntries });
}

/** `scan fs DIR`: paths relative to DIR; skips `.git` and the given skip list. */
export async function openDirectory(dir: string, opts: DirectoryOptions = {}): Promise<ArtifactSource> {
  const root = await requireDir(dir);
  const limits = withLimits(opts.limits);
  const skipNames = new Set(['.git']);
  const skipPaths = new Set<string>();
  for (const s of opts.skip ?? []) {
    const clean = s.replace(/^\.?\/+|\/+$/g, '');
    if (clean.includes('/')) skipPaths.add('/' + clean);
    else skipNames.add(clean);
  }
  return dirSource('fs', dir, root, { skipPaths, skipNames, maxEntries: limits.maxEntries });
}
