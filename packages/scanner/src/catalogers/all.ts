// The cataloger registry: one line per family; a family's index lists its catalogers (one folder each).
import type { Cataloger } from './types.js';
import { osCatalogers } from './os/index.js';
import { javascriptCatalogers } from './javascript/index.js';
import { pythonCatalogers } from './python/index.js';
import { goCatalogers } from './go/index.js';
import { javaCatalogers } from './java/index.js';
import { rubyCatalogers } from './ruby/index.js';
import { rustCatalogers } from './rust/index.js';
import { phpCatalogers } from './php/index.js';
import { dotnetCatalogers } from './dotnet/index.js';
import { runtimeCatalogers } from './runtime/index.js';

export const allCatalogers: readonly Cataloger[] = registryOf([
  ...osCatalogers,
  ...javascriptCatalogers,
  ...pythonCatalogers,
  ...goCatalogers,
  ...javaCatalogers,
  ...rubyCatalogers,
  ...rustCatalogers,
  ...phpCatalogers,
  ...dotnetCatalogers,
  ...runtimeCatalogers,
]);

/** Folders under catalogers/ that hold shared code, not a family of catalogers. */
export const SHARED_FOLDERS: readonly string[] = ['binary'];

export function registryOf(list: readonly Cataloger[]): readonly Cataloger[] {
  const seen = new Set<string>();
  for (const c of list) {
    if (seen.has(c.id)) throw new Error(`duplicate cataloger id ${c.id}`);
    seen.add(c.id);
  }
  return Object.freeze([...list]);
}

/** Catalogers by id prefix ("os", "javascript/package-lock"); unknown names are an error naming them. */
export function selectCatalogers(names: readonly string[] | undefined): readonly Cataloger[] {
  if (!names || names.length === 0) return allCatalogers;
  const out = allCatalogers.filter((c) => names.some((n) => c.id === n || c.id.startsWith(n + '/')));
  const unknown = names.filter((n) => !allCatalogers.some((c) => c.id === n || c.id.startsWith(n + '/')));
  if (unknown.length > 0) throw new Error(`unknown cataloger(s): ${unknown.join(', ')}`);
  return out;
}
