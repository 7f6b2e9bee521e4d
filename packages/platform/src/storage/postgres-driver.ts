import { createHash } from 'node:crypto';
import pg from 'pg';
import { ConfigError, ExternalError } from '@bulwark/core';
import { numberedPlaceholders, type Row, type SqlConn, type SqlDriver, type SqlValue } from './driver.js';

/** BIGINT ids and counts arrive as JS numbers (exact below 2^53) instead of strings. */
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === pg.types.builtins.INT8) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** deadlock_detected and serialization_failure: the transaction is retried from the start. */
const RETRYABLE = new Set(['40P01', '40001']);
const MAX_ATTEMPTS = 4;

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function bind(params: readonly SqlValue[] | undefined): unknown[] {
  if (!params) return [];
  return params.map((v) => (v === undefined ? null : v));
}

function statementName(sql: string): string {
  return 'b' + createHash('sha1').update(sql).digest('hex').slice(0, 20);
}

class Conn implements SqlConn {
  readonly dialect = 'postgres' as const;
  constructor(private readonly client: pg.Pool | pg.PoolClient) {}

  private async query(sql: string, params: readonly SqlValue[] | undefined, hot: boolean | undefined): Promise<pg.QueryResult> {
    const text = numberedPlaceholders(sql);
    return this.client.query(hot ? { text, values: bind(params), name: statementName(text) } : { text, values: bind(params) });
  }

  async all<T = Row>(sql: string, params?: readonly SqlValue[], hot?: boolean): Promise<T[]> {
    return (await this.query(sql, params, hot)).rows as T[];
  }

  async run(sql: string, params?: readonly SqlValue[], hot?: boolean): Promise<number> {
    return (await this.query(sql, params, hot)).rowCount ?? 0;
  }

  async exec(sql: string): Promise<void> {
    await this.client.query(sql);
  }

  async hasTable(name: string): Promise<boolean> {
    const r = await this.client.query('SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1', [name]);
    return r.rows.length > 0;
  }

  async lockForMigration(): Promise<void> {
    await this.client.query("SELECT pg_advisory_xact_lock(hashtext('bulwark-migrate:' || current_schema()))");
  }
}

export interface PostgresOptions {
  /** postgres://user@host:port/db */
  url: string;
  /** Schema to use (created when missing); default the server's search_path (usually `public`). */
  schema?: string;
  /** Pool size, default 10. */
  poolSize?: number;
}

/** node-postgres behind the async driver interface: a pool; each transaction holds one client. */
export class PostgresDriver implements SqlDriver {
  readonly dialect = 'postgres' as const;
  readonly maxParams = 65535;
  private readonly pool: pg.Pool;
  private readonly conn: Conn;

  private constructor(pool: pg.Pool) {
    this.pool = pool;
    this.conn = new Conn(pool);
  }

  static async open(opts: PostgresOptions): Promise<PostgresDriver> {
    if (opts.schema !== undefined && !SCHEMA_NAME.test(opts.schema)) {
      throw new ConfigError('database.schema', `"${opts.schema}" is not a plain lowercase schema name`);
    }
    const base: pg.PoolConfig = { connectionString: opts.url, max: opts.poolSize ?? 10, types: TYPES };
    const source = `postgres ${redact(opts.url)}`;
    try {
      if (opts.schema !== undefined) {
        const c = new pg.Client({ connectionString: opts.url });
        await c.connect();
        try {
          await c.query(`CREATE SCHEMA IF NOT EXISTS "${opts.schema}"`);
        } finally {
          await c.end();
        }
      }
      const pool = new pg.Pool(opts.schema === undefined ? base : { ...base, options: `-c search_path="${opts.schema}"` });
      // An idle client losing its connection must not crash the process; the next query reports the problem.
      pool.on('error', () => undefined);
      const d = new PostgresDriver(pool);
      await pool.query('SELECT 1');
      return d;
    } catch (e) {
      if (e instanceof ConfigError) throw e;
      throw new ExternalError({ source, message: `cannot connect: ${(e as Error).message}`, retryable: true, cause: e });
    }
  }

  all<T = Row>(sql: string, params?: readonly SqlValue[], hot?: boolean): Promise<T[]> {
    return this.conn.all<T>(sql, params, hot);
  }
  run(sql: string, params?: readonly SqlValue[], hot?: boolean): Promise<number> {
    return this.conn.run(sql, params, hot);
  }
  exec(sql: string): Promise<void> {
    return this.conn.exec(sql);
  }
  hasTable(name: string): Promise<boolean> {
    return this.conn.hasTable(name);
  }
  lockForMigration(): Promise<void> {
    return this.conn.lockForMigration();
  }

  async transaction<T>(fn: (tx: SqlConn) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const out = await fn(new Conn(client));
        await client.query('COMMIT');
        return out;
      } catch (e) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
        const code = (e as { code?: string }).code;
        if (code === undefined || !RETRYABLE.has(code) || attempt >= MAX_ATTEMPTS) throw e;
        await new Promise((r) => setTimeout(r, 10 * attempt + Math.floor(Math.random() * 20)));
      } finally {
        client.release(broken);
      }
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
}
