
/** PEP 503 normalized project name: runs of `-`, `_`, `.` become one `-`, lower-case (the purl name for pypi). */
export function normalizePythonName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

/** A non-empty string field, else undefined. */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}
