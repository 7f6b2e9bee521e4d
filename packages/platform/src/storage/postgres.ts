import { SqlStore, type StoreOptions } from './sql-store.js';
import { PostgresDriver, type PostgresOptions } from './postgres-driver.js';

/** The scale-out store: PostgreSQL through a connection pool; several server and worker processes share it. */
export class PostgresStore extends SqlStore {
  readonly schema: string | undefined;

  private constructor(driver: PostgresDriver, schema: string | undefined, opts: StoreOptions) {
    super(driver, opts);
    this.schema = schema;
  }

  /** Connects (ExternalError when the server is unreachable) and applies pending migrations under an advisory lock. */
  static async open(pg: PostgresOptions, opts: StoreOptions = {}): Promise<PostgresStore> {
    const driver = await PostgresDriver.open(pg);
    const store = new PostgresStore(driver, pg.schema, opts);
    if (opts.migrate !== false) {
      try {
        await store.migrate();
      } catch (e) {
        await driver.close();
        throw e;
      }
    }
    return store;
  }
}
