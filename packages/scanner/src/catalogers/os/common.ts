import type { FileInput } from '../types.js';

/** Text of a file that must be text: NUL bytes mean a binary or a corrupt file. */
export function textOf(file: FileInput): string | undefined {
  if (file.content.includes(0)) return undefined;
  return file.content.toString('utf8');
}

/** True when `path` ends with one of `suffixes` at a segment boundary ("/etc/os-release", "rootfs/etc/os-release"). */
export function endsWithSegment(path: string, suffix: string): boolean {
  if (!path.endsWith(suffix)) return false;
  const rest = path.length - suffix.length;
  return rest === 0 || path[rest - 1] === '/' || suffix.startsWith('/');
}
