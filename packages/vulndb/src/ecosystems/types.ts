import type { Result } from '@bulwark/core';

export interface VersionError {
  ecosystem: string;
  version: string;
  message: string;
}

/**
 * Parse and order versions of one ecosystem. Pure: no I/O, no global state.
 * `id` is the OSV base ecosystem name ("Debian", "PyPI", "crates.io"); the registry looks schemes up by it.
 */
export interface VersionScheme<V = unknown> {
  /** OSV spelling: 'Debian', 'Alpine', 'PyPI', 'npm', 'Go', 'Maven', 'crates.io' ... */
  readonly id: string;
  /** Other OSV ecosystem names that order versions the same way ('Ubuntu' for dpkg, 'Rocky Linux' for rpm). */
  readonly aliases?: readonly string[];
  /** Parses a version; an unparsable version is an error value, never a guess. */
  parse(raw: string): Result<V, VersionError>;
  /** Total order: -1 when a < b, 0 when equal in this ecosystem, 1 when a > b. */
  compare(a: V, b: V): -1 | 0 | 1;
  /**
   * Canonical package name for lookups: PyPI PEP 503 ("Foo_Bar" → "foo-bar"), Composer lower-case.
   * Identity when absent.
   */
  normalizeName?(name: string): string;
}
