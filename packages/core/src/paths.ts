import { homedir } from 'node:os';
import { join } from 'node:path';

/** Cache root: $BULWARK_CACHE_DIR, else $XDG_CACHE_HOME/bulwark, else ~/.cache/bulwark. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.BULWARK_CACHE_DIR) return env.BULWARK_CACHE_DIR;
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && xdg.length > 0 ? xdg : join(homedir(), '.cache'), 'bulwark');
}

/** Vulnerability DB file: $BULWARK_DB, else <cache>/db/bulwark.db. */
export function defaultDbPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.BULWARK_DB ?? join(cacheDir(env), 'db', 'bulwark.db');
}
