// Test and bench helper: a fresh database on each backend, plus raw SQL access that bypasses the store
// (to inspect rows and to tamper with them).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { numberedPlaceholders, type Row } from './driver.js';
import { PostgresStore } from './postgres.js';
import type { SqlStore, StoreOptions } from './sql-store.js';
import { SqliteStore } from './sqlite.js';

export const PG_TEST_URL = process.env.BULWARK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export const PG_START_HINT =
  `PostgreSQL is not reachable at ${PG_TEST_URL.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@')}; the storage tests need it. ` +
  'Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start ' +
  '(or set BULWARK_TEST_PG_URL to another server with a database you may create schemas in)';

export interface FreshDb {
  store: SqlStore;
  /** Raw SQL with `?` placeholders, straight to the database. */
  raw(sql: string, params?: unknown[]): Promise<Row[]>;
  tables(): Promise<string[]>;
  indexes(table: string): Promise<string[]>;
  /** Opens a second store on the same database (the first stays open). */
  reopen(opts?: StoreOptions): Promise<SqlStore>;
  drop(): Promise<void>;
}

export interface Backend {
  readonly name: 'sqlite' | 'postgres';
  /** Checks the backend is usable; throws a message saying how to make it so. */
  setup(): Promise<void>;
  fresh(opts?: StoreOptions): Promise<FreshDb>;
  /** Drops whatever `fresh` created and was not dropped. */
  teardown(): Promise<void>;
}

function sqliteBackend(): Backend {
  const dirs = new Set<string>();
  return {
    name: 'sqlite',
    async setup() {},
    async fresh(opts) {
      const dir = mkdtempSync(join(tmpdir(), 'bulwark-platform-'));
      dirs.add(dir);
      const path = join(dir, 'platform.db');
      const stores: SqlStore[] = [await SqliteStore.open(path, opts)];
      const raw = new Database(path);
      raw.pragma('busy_timeout = 5000');
      const q = async (sql: string, params: unknown[] = []): Promise<Row[]> => {
        const s = raw.prepare(sql);
        return s.reader ? (s.all(params) as Row[]) : (s.run(params), []);
      };
      return {
        store: stores[0],
        raw: q,
        tables: async () => (await q("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).map((r) => r.name as string),
        indexes: async (t) => (await q("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name", [t])).map((r) => r.name as string),
        async reopen(o) {
          const s = await SqliteStore.open(path, o);
          stores.push(s);
          return s;
        },
        async drop() {
          for (const s of stores) await s.close().catch(() => undefined);
          raw.close();
          rmSync(dir, { recursive: true, force: true });
          dirs.delete(dir);
        },
      };
    },
    async teardown() {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
      dirs.clear();
    },
  };
}

function postgresBackend(): Backend {
  const schemas = new Set<string>();
  const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = new pg.Client({ connectionString: PG_TEST_URL, connectionTimeoutMillis: 5000 });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };
  const dropSchema = (s: string): Promise<unknown> => admin((c) => c.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`));
  return {
    name: 'postgres',
    async setup() {
      try {
        await admin((c) => c.query('SELECT 1'));
      } catch (e) {
        throw new Error(`${PG_START_HINT}. Connection error: ${(e as Error).message}`);
      }
    },
    async fresh(opts) {
      const schema = `blw_test_${process.pid}_${randomBytes(5).toString('hex')}`;
      schemas.add(schema);
      const stores: SqlStore[] = [await PostgresStore.open({ url: PG_TEST_URL, schema, poolSize: 4 }, opts)];
      const raw = new pg.Client({ connectionString: PG_TEST_URL, options: `-c search_path="${schema}"` });
      await raw.connect();
      const q = async (sql: string, params: unknown[] = []): Promise<Row[]> => (await raw.query(numberedPlaceholders(sql), params)).rows as Row[];
      return {
        store: stores[0],
        raw: q,
        tables: async () =>
          (await q("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name")).map((r) => r.name as string),
        indexes: async (t) =>
          (await q("SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ? AND indexname NOT LIKE '%_pkey' ORDER BY indexname", [t])).map(
            (r) => r.name as string,
          ),
        async reopen(o) {
          const s = await PostgresStore.open({ url: PG_TEST_URL, schema, poolSize: 4 }, o);
          stores.push(s);
          return s;
        },
        async drop() {
          for (const s of stores) await s.close().catch(() => undefined);
          await raw.end();
          await dropSchema(schema);
          schemas.delete(schema);
        },
      };
    },
    async teardown() {
      for (const s of schemas) await dropSchema(s).catch(() => undefined);
      schemas.clear();
    },
  };
}

/** Both backends, SQLite first. PostgreSQL is never skipped: `setup` fails with how to start it. */
export function backends(): Backend[] {
  return [sqliteBackend(), postgresBackend()];
}
