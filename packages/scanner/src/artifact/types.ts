import type { ImageInfo, Limits } from '@bulwark/core';

/**
 * One entry of a layer (or of a walked directory). Whiteouts and opaque markers are entries too, so that a
 * consumer applies them in stream order.
 */
export type EntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'whiteout' | 'opaque';

export interface LayerEntry {
  /** Absolute posix path inside the layer, normalised so that it never leaves the root ("/etc/os-release"). */
  path: string;
  type: EntryType;
  /** Bytes of content (for a hard link: of its target). */
  size: number;
  /** Permission bits (0o7777). */
  mode: number;
  /** Symlinks: the target as stored (may be relative). Hard links: the normalised absolute target path. */
  linkTarget?: string;
}

/**
 * Receives a layer's entries synchronously, in stream order. `onEntry` decides on path and header facts
 * alone whether the bytes are wanted; bytes of unwanted entries are skipped without being copied.
 */
export interface EntryHandler {
  /** Return true to receive this entry's bytes (hard links: the target's bytes) through `onContent`. */
  onEntry(entry: LayerEntry): boolean;
  onContent(entry: LayerEntry, content: Buffer): void;
  /** A file that could not be read (permissions, a hard link to a missing target). The walk goes on. */
  onFileError(path: string, error: string): void;
}

/** A layer as the source announces it before streaming it. */
export interface LayerDescriptor {
  /** Unique within the source: blob name in the archive, blob digest, or "rootfs". */
  id: string;
  /** Blob digest as stored ("sha256:…"), when known. */
  digest?: string;
  /** Uncompressed tar digest (config rootfs.diff_ids), when known. */
  diffId?: string;
  /** Stored (possibly compressed) size. */
  size?: number;
  mediaType?: string;
}

export interface LayerVisitor {
  /** A layer is about to stream. Return undefined to skip its bytes (a cached layer). */
  onLayer(layer: LayerDescriptor): EntryHandler | undefined;
  /** The layer's stream ended (not called for skipped layers). */
  onLayerEnd?(layer: LayerDescriptor): void;
  /** Raw (stored) bytes read so far out of the total, for progress bars. */
  onBytes?(done: number, total: number | undefined): void;
}

/** What a source knows once read: the image's layers bottom to top (ids as announced) and its metadata. */
export interface ArtifactLayout {
  layers: LayerDescriptor[];
  image?: ImageInfo;
  warnings: string[];
}

/**
 * A scan target whose file trees arrive as layers. Images have one or more layers; rootfs and project
 * directories have one. `read` streams every layer once, in whatever order the storage allows (a gzip'd
 * archive can only be read front to back), and resolves with the layer order and image metadata.
 */
export interface ArtifactSource {
  readonly kind: 'image' | 'rootfs' | 'fs';
  /** What the user named (path or reference). */
  readonly name: string;
  /** `relative`: paths are shown relative to the scanned directory (`scan fs`). */
  readonly pathStyle: 'absolute' | 'relative';
  /** Layout known before reading (undefined for sources that learn it only at the end of the stream). */
  readonly layout?: ArtifactLayout;
  read(visitor: LayerVisitor): Promise<ArtifactLayout>;
  close(): Promise<void>;
}

/** Options shared by every opener. */
export interface OpenOptions {
  limits?: Partial<Limits>;
  /** "os/arch[/variant]" to pick from an index (OCI layout, registry). */
  platform?: string;
  /** Image tag (docker-archive with several images, OCI layout ref name). */
  tag?: string;
}

/** Running byte budget shared by all layers of one artifact (maxTotalBytes). */
export interface ByteBudget {
  used: number;
  max: number;
}
