import { PostgresStore } from './postgres.js';
import { SqliteStore } from './sqlite.js';
import type { StoreOptions } from './sql-store.js';
import type { Store } from './types.js';

/**
 * Opens the store a `--database` value names: `postgres://…` or `postgresql://…` (an optional `?schema=name`
 * query parameter selects the schema) for PostgreSQL, anything else (`sqlite:path` or a plain path) for SQLite.
 */
export async function openStore(location: string, opts: StoreOptions = {}): Promise<Store> {
  if (/^postgres(ql)?:\/\//.test(location)) {
    const u = new URL(location);
    const schema = u.searchParams.get('schema') ?? undefined;
    u.searchParams.delete('schema');
    return PostgresStore.open({ url: u.toString(), schema }, opts);
  }
  return SqliteStore.open(location.replace(/^sqlite:/, ''), opts);
}
