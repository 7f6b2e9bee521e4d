import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { SqlStore, type StoreOptions } from './sql-store.js';
import { SqliteDriver } from './sqlite-driver.js';

/** The embedded store: one SQLite file (WAL), created and migrated on open. */
export class SqliteStore extends SqlStore {
  readonly path: string;
  private readonly driver: SqliteDriver;

  private constructor(path: string, driver: SqliteDriver, opts: StoreOptions) {
    super(driver, opts);
    this.path = path;
    this.driver = driver;
  }

  static async open(path: string, opts: StoreOptions = {}): Promise<SqliteStore> {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const store = new SqliteStore(path, new SqliteDriver(path), opts);
    if (opts.migrate !== false) await store.migrate();
    return store;
  }

  /** The raw write connection, for maintenance and tests; bypasses tenant checks. */
  get database(): Database.Database {
    return this.driver.database;
  }
}
