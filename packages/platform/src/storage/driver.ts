export type Dialect = 'sqlite' | 'postgres';

/** A bound value: booleans become 1/0 on SQLite, undefined becomes NULL. */
export type SqlValue = string | number | boolean | null | undefined;

export type Row = Record<string, unknown>;

/**
 * One connection's worth of SQL, written once for both dialects: `?` placeholders (translated to `$n` for
 * PostgreSQL), no dialect-specific syntax in the statements the store issues.
 */
export interface SqlConn {
  readonly dialect: Dialect;
  /** Rows of a query (or of `… RETURNING`). `hot` marks a statement worth preparing once per connection. */
  all<T = Row>(sql: string, params?: readonly SqlValue[], hot?: boolean): Promise<T[]>;
  /** Runs a statement; returns the number of rows changed. */
  run(sql: string, params?: readonly SqlValue[], hot?: boolean): Promise<number>;
  /** Runs several statements without parameters (DDL). */
  exec(sql: string): Promise<void>;
  hasTable(name: string): Promise<boolean>;
  /** Serializes migrations across processes sharing the database (held until the transaction ends). */
  lockForMigration(): Promise<void>;
}

export interface SqlDriver extends SqlConn {
  /**
   * Runs `fn` in one transaction on one connection; commits when it resolves, rolls back when it throws.
   * Outside statements never see its uncommitted rows.
   */
  transaction<T>(fn: (tx: SqlConn) => Promise<T>): Promise<T>;
  /** Largest number of bound parameters one statement may carry. */
  readonly maxParams: number;
  close(): Promise<void>;
}

/** `?` → `$1, $2, …` (the store's SQL never has `?` inside string literals). */
export function numberedPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** `(?, ?, ?), (?, ?, ?)` for `rows` rows of `cols` columns. */
export function valuesList(rows: number, cols: number): string {
  const one = `(${new Array(cols).fill('?').join(', ')})`;
  return new Array(rows).fill(one).join(', ');
}
