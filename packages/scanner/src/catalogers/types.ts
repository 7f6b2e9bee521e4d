import type { Distro, InputError, LayerRef, Package, PackageType, Result } from '@bulwark/core';

/** One file handed to a cataloger: bytes in, no file system access. */
export interface FileInput {
  /** Absolute path inside the artifact for images and rootfs ("/usr/lib/os-release"); relative to the root for `scan fs`. */
  path: string;
  content: Buffer;
  /** Unix mode bits (permission bits incl. executable flags). */
  mode: number;
  size: number;
  layer?: LayerRef;
}

/** What catalogers see before bytes are read: decide cheaply from path and header facts. */
export interface EntryInfo {
  size: number;
  mode: number;
}

/** License facts found apart from the package (Debian copyright files): joined to packages by type and name. */
export interface LicenseHint {
  type: PackageType;
  name: string;
  licenses: string[];
}

export interface CatalogResult {
  packages: Package[];
  /** Set only by the os-release cataloger. */
  os?: Distro;
  licenseHints?: LicenseHint[];
}

export interface CatalogContext {
  /** Reads another file of the same artifact view (final file system for images), for catalogers that need siblings. */
  readonly maxFileBytes: number;
}

export interface Cataloger {
  /** Lower-case 'lang/format' id that equals its folder path under catalogers/ ("javascript/package-lock"). */
  readonly id: string;
  /** Bump when output changes: part of the per-layer cache key. */
  readonly version: number;
  /** Files above this size are skipped with a file error instead of being read. */
  readonly maxBytes: number;
  /** Cheap test on the path (and size/mode for binaries); no bytes read yet. */
  matches(path: string, info: EntryInfo): boolean;
  /** Parses one file. An unparsable file is an InputError value naming the path; the scan goes on. */
  catalog(file: FileInput, ctx: CatalogContext): Result<CatalogResult, InputError>;
}

/** Narrows an unknown JSON value to a plain object (helper shared by catalogers). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
