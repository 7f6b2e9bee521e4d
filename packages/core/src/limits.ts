/** Default limits for parsers of untrusted input. Every reader takes overrides through its options. */
export interface Limits {
  /** Largest single file a cataloger will buffer. */
  maxFileBytes: number;
  /** Largest uncompressed layer (or archive) before reading stops with a LimitError. */
  maxLayerBytes: number;
  /** Largest total uncompressed bytes read for one artifact. */
  maxTotalBytes: number;
  /** Most entries in one archive. */
  maxEntries: number;
  /** Deepest nesting of archives (jar in war in ear...). */
  maxArchiveDepth: number;
  /** Largest JSON/YAML manifest or metadata document. */
  maxDocumentBytes: number;
  /** Deepest JSON/YAML nesting. */
  maxDepth: number;
  /** Most symlinks followed when resolving a path. */
  maxSymlinkHops: number;
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxFileBytes: 512 * MiB,
  maxLayerBytes: 16 * GiB,
  maxTotalBytes: 64 * GiB,
  maxEntries: 2_000_000,
  maxArchiveDepth: 4,
  maxDocumentBytes: 64 * MiB,
  maxDepth: 256,
  maxSymlinkHops: 40,
});

export function withLimits(overrides?: Partial<Limits>): Limits {
  return { ...DEFAULT_LIMITS, ...(overrides ?? {}) };
}
