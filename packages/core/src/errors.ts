/**
 * Typed errors used at boundaries. The CLI maps them to exit codes; the server to HTTP status.
 * Inside the code, expected failures travel as Result values; these classes are what a Result carries
 * or what an edge throws.
 */
export abstract class BulwarkError extends Error {
  abstract readonly kind: 'input' | 'external' | 'config' | 'limit' | 'internal';
  /** Process exit code the CLI uses for this error. */
  abstract readonly exitCode: number;
}

/** Bad user-supplied input: names the file (or target) and, where known, the field and what was expected. */
export class InputError extends BulwarkError {
  readonly kind: 'input' | 'limit' = 'input';
  readonly exitCode: number = 2;
  readonly file: string;
  readonly field: string | undefined;
  readonly expected: string | undefined;
  constructor(opts: { file: string; field?: string; expected?: string; message?: string; cause?: unknown }) {
    const where = opts.field ? `${opts.file}: ${opts.field}` : opts.file;
    const what = opts.message ?? (opts.expected ? `expected ${opts.expected}` : 'invalid input');
    super(`${where}: ${what}`, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'InputError';
    this.file = opts.file;
    this.field = opts.field;
    this.expected = opts.expected;
  }
}

/** Input that goes past a size, count or depth limit (decompression bombs, deep nesting, huge files). */
export class LimitError extends InputError {
  override readonly kind = 'limit' as const;
  readonly limit: string;
  constructor(opts: { file: string; limit: string; field?: string; message?: string }) {
    super({ file: opts.file, field: opts.field, message: opts.message ?? `exceeds limit ${opts.limit}` });
    this.name = 'LimitError';
    this.limit = opts.limit;
  }
}

/** A remote service (registry, feed mirror) failed. `retryable` for 429/5xx/timeouts. */
export class ExternalError extends BulwarkError {
  readonly kind = 'external' as const;
  readonly exitCode = 3;
  readonly retryable: boolean;
  readonly source: string;
  constructor(opts: { source: string; message: string; retryable?: boolean; cause?: unknown }) {
    super(`${opts.source}: ${opts.message}`, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ExternalError';
    this.source = opts.source;
    this.retryable = opts.retryable ?? false;
  }
}

/** Bad configuration: flags, environment, config file. */
export class ConfigError extends BulwarkError {
  readonly kind = 'config' as const;
  readonly exitCode = 2;
  readonly setting: string;
  constructor(setting: string, message: string) {
    super(`${setting}: ${message}`);
    this.name = 'ConfigError';
    this.setting = setting;
  }
}

export function isBulwarkError(e: unknown): e is BulwarkError {
  return e instanceof BulwarkError;
}

/** One line describing any thrown value, for logs and CLI output. */
export function describeError(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
