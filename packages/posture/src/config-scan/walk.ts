import { readdir, readFile, stat } from 'node:fs/promises';
import type { Dirent } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { LimitError } from '@bulwark/core';
import type { FileError } from '@bulwark/core';

export interface WalkLimits {
  /** Files larger than this are skipped with a FileError (never read). */
  maxFileBytes: number;
  /** Most candidate files read in one scan; past it the walk stops with a FileError. */
  maxFiles: number;
  /** Deepest directory nesting followed. */
  maxDirDepth: number;
}

export const DEFAULT_WALK_LIMITS: Readonly<WalkLimits> = Object.freeze({ maxFileBytes: 8 * 1024 * 1024, maxFiles: 200_000, maxDirDepth: 64 });

/** Folders never entered: VCS metadata, dependency trees, Terraform's provider/module cache. */
export const SKIPPED_DIRS: ReadonlySet<string> = new Set(['.git', '.hg', '.svn', 'node_modules', 'vendor', '.terraform']);

export interface WalkedFile {
  /** Absolute (or as-given) path to read. */
  abs: string;
  /** Path relative to the scan root, '/'-separated; the file name when the root is a file. */
  rel: string;
  size: number;
}

function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

/**
 * Lists the files under `root` that `wanted(relPath)` accepts, in a stable (sorted) order. Symlinks are followed;
 * a directory reached twice (a symlink loop or a second link to the same folder) is entered once. Unreadable
 * entries and files over `maxFileBytes` land in `errors`.
 */
export async function walkTree(
  root: string,
  wanted: (rel: string) => boolean,
  limits: WalkLimits = DEFAULT_WALK_LIMITS,
): Promise<{ files: WalkedFile[]; errors: FileError[] }> {
  const files: WalkedFile[] = [];
  const errors: FileError[] = [];
  const top = await stat(root);
  if (!top.isDirectory()) {
    const rel = root.replace(/^.*[\\/]/, '');
    if (top.size > limits.maxFileBytes) errors.push({ path: rel, error: new LimitError({ file: rel, limit: `maxFileBytes=${limits.maxFileBytes}` }).message });
    else files.push({ abs: root, rel, size: top.size });
    return { files, errors };
  }
  const seen = new Set<string>([`${top.dev}:${top.ino}`]);
  const stack: { dir: string; depth: number }[] = [{ dir: root, depth: 0 }];
  let stopped = false;
  while (stack.length > 0 && !stopped) {
    const { dir, depth } = stack.pop()!;
    let entries: Dirent[];
    try {
      entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch (e) {
      errors.push({ path: toPosix(relative(root, dir)) || '.', error: `cannot read directory: ${(e as NodeJS.ErrnoException).code ?? String(e)}` });
      continue;
    }
    const subdirs: string[] = [];
    for (const entry of entries) {
      const name = entry.name;
      const abs = join(dir, name);
      const rel = toPosix(relative(root, abs));
      // plain files nobody wants are not even stat'ed
      if (entry.isFile() && !wanted(rel)) continue;
      if (entry.isDirectory() && SKIPPED_DIRS.has(name)) continue;
      let st;
      try {
        st = await stat(abs); // follows symlinks
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        // dangling symlinks and files removed mid-walk are not worth a report unless we wanted them
        if (code !== 'ENOENT' && code !== 'ELOOP') errors.push({ path: rel, error: `cannot stat: ${code ?? String(e)}` });
        else if (code === 'ELOOP' && wanted(rel)) errors.push({ path: rel, error: 'symlink loop' });
        continue;
      }
      if (st.isDirectory()) {
        if (SKIPPED_DIRS.has(name)) continue;
        const id = `${st.dev}:${st.ino}`;
        if (seen.has(id)) continue;
        seen.add(id);
        if (depth + 1 > limits.maxDirDepth) {
          errors.push({ path: rel, error: new LimitError({ file: rel, limit: `maxDirDepth=${limits.maxDirDepth}` }).message });
          continue;
        }
        subdirs.push(abs);
        continue;
      }
      if (!st.isFile() || !wanted(rel)) continue;
      if (st.size > limits.maxFileBytes) {
        errors.push({ path: rel, error: new LimitError({ file: rel, limit: `maxFileBytes=${limits.maxFileBytes}` }).message });
        continue;
      }
      if (files.length >= limits.maxFiles) {
        errors.push({ path: rel, error: new LimitError({ file: rel, limit: `maxFiles=${limits.maxFiles}`, message: `more than ${limits.maxFiles} files; the rest of the tree was not scanned` }).message });
        stopped = true;
        break;
      }
      files.push({ abs, rel, size: st.size });
    }
    // reversed so the stack pops them in name order
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push({ dir: subdirs[i]!, depth: depth + 1 });
  }
  files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return { files, errors };
}

/** Reads files with at most `concurrency` reads in flight; a failed read becomes a FileError. */
export async function readBounded(files: readonly WalkedFile[], concurrency = 16): Promise<{ file: WalkedFile; content?: Buffer; error?: string }[]> {
  const out: { file: WalkedFile; content?: Buffer; error?: string }[] = new Array(files.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const i = next++;
      const file = files[i]!;
      try {
        out[i] = { file, content: await readFile(file.abs) };
      } catch (e) {
        out[i] = { file, error: `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, files.length)) }, worker));
  return out;
}
