// Reads of the asset inventory the Store interface does not offer (one asset, lists and graphs scoped to asset
// groups), over the shared schema through `store.sql` as other platform modules do. Every statement filters on the
// tenant first; another tenant's ids behave as missing ones.
import { InputError } from '@bulwark/core';
import type { SqlValue } from '../storage/driver.js';
import { containsClause, containsPattern } from '../storage/sql-store.js';
import type { Asset, AssetKind, AssetRelation, Criticality, Page, RelationKind, Store, TenantId } from '../storage/types.js';

/** Asset groups the caller is scoped to; undefined = the whole tenant, [] = nothing. */
export type Scope = readonly number[] | undefined;

export type Direction = 'up' | 'down' | 'both';

export interface Neighbourhood {
  /** The root first (depth 0), then by depth and id. */
  assets: (Asset & { depth: number })[];
  /** Edges between the returned assets, sorted. */
  relations: AssetRelation[];
  /** True when `limit` stopped the walk before `depth` was reached everywhere. */
  truncated: boolean;
}

const COLS = 'a.id, a.kind, a.asset_key, a.name, a.attributes, a.criticality, a.first_seen, a.last_seen';

function marks(n: number): string {
  return new Array(n).fill('?').join(', ');
}

function encodeCursor(id: number): string {
  return Buffer.from(JSON.stringify([id])).toString('base64url');
}

function decodeCursor(c: string): number {
  try {
    const v: unknown = JSON.parse(Buffer.from(c, 'base64url').toString('utf8'));
    if (Array.isArray(v) && Number.isSafeInteger(v[0]) && (v[0] as number) > 0) return v[0] as number;
  } catch {
    // reported below
  }
  throw new InputError({ file: 'query', field: 'cursor', expected: 'the nextCursor of the previous page' });
}

function toAsset(store: Store, r: Record<string, unknown>): Asset {
  const attrs = r.attributes;
  return {
    id: Number(r.id),
    kind: r.kind as AssetKind,
    key: r.asset_key as string,
    name: r.name as string,
    attributes: (store.dialect === 'sqlite' && typeof attrs === 'string' ? JSON.parse(attrs) : (attrs ?? {})) as Record<string, unknown>,
    criticality: r.criticality as Criticality,
    firstSeen: r.first_seen as string,
    lastSeen: r.last_seen as string,
  };
}

/** `AND a.id IN (members of the scope's groups)`; false when the scope is empty. */
function scopeClause(tenant: TenantId, scope: Scope, where: string[], params: SqlValue[]): boolean {
  if (scope === undefined) return true;
  if (scope.length === 0) return false;
  where.push(`a.id IN (SELECT m.asset_id FROM asset_group_members m WHERE m.tenant_id = ? AND m.group_id IN (${marks(scope.length)}))`);
  params.push(tenant, ...scope);
  return true;
}

/**
 * The tenant's assets by id ascending, optionally of one kind and/or one group and/or whose key or name contains
 * `q` (case-insensitive; `%` and `_` match themselves), within the scope.
 */
export async function listAssets(
  store: Store,
  tenant: TenantId,
  filter: { kind?: AssetKind; groupId?: number; q?: string },
  scope: Scope,
  page: { limit: number; cursor?: string },
): Promise<Page<Asset>> {
  const where = ['a.tenant_id = ?'];
  const params: SqlValue[] = [tenant];
  if (!scopeClause(tenant, scope, where, params)) return { items: [] };
  if (filter.kind !== undefined) {
    where.push('a.kind = ?');
    params.push(filter.kind);
  }
  if (filter.groupId !== undefined) {
    where.push('a.id IN (SELECT g.asset_id FROM asset_group_members g WHERE g.tenant_id = ? AND g.group_id = ?)');
    params.push(tenant, filter.groupId);
  }
  if (filter.q !== undefined && filter.q !== '') {
    where.push(`(${containsClause('a.asset_key')} OR ${containsClause('a.name')})`);
    const p = containsPattern(filter.q);
    params.push(p, p);
  }
  if (page.cursor !== undefined) {
    where.push('a.id > ?');
    params.push(decodeCursor(page.cursor));
  }
  params.push(page.limit + 1);
  const rows = await store.sql.all(`SELECT ${COLS} FROM assets a WHERE ${where.join(' AND ')} ORDER BY a.id LIMIT ?`, params);
  const items = rows.slice(0, page.limit).map((r) => toAsset(store, r));
  return rows.length > page.limit ? { items, nextCursor: encodeCursor(items[items.length - 1].id) } : { items };
}

/** Assets of the tenant among `ids` that the scope shows (any order). */
export async function assetsByIds(store: Store, tenant: TenantId, ids: readonly number[], scope: Scope): Promise<Asset[]> {
  const out: Asset[] = [];
  const chunk = Math.max(1, Math.min(500, store.sql.maxParams - 100));
  for (let i = 0; i < ids.length; i += chunk) {
    const part = ids.slice(i, i + chunk);
    const where = ['a.tenant_id = ?', `a.id IN (${marks(part.length)})`];
    const params: SqlValue[] = [tenant, ...part];
    if (!scopeClause(tenant, scope, where, params)) return [];
    for (const r of await store.sql.all(`SELECT ${COLS} FROM assets a WHERE ${where.join(' AND ')}`, params)) out.push(toAsset(store, r));
  }
  return out;
}

/** One asset of the tenant, when the scope shows it. */
export async function getAsset(store: Store, tenant: TenantId, id: number, scope: Scope): Promise<Asset | undefined> {
  return (await assetsByIds(store, tenant, [id], scope))[0];
}

/** The groups of the tenant an asset belongs to, by name. */
export async function groupsOfAsset(store: Store, tenant: TenantId, assetId: number): Promise<{ id: number; name: string }[]> {
  const rows = await store.sql.all(
    `SELECT g.id, g.name FROM asset_groups g JOIN asset_group_members m ON m.group_id = g.id AND m.tenant_id = g.tenant_id
      WHERE g.tenant_id = ? AND m.asset_id = ? ORDER BY g.name`,
    [tenant, assetId],
  );
  return rows.map((r) => ({ id: Number(r.id), name: r.name as string }));
}

async function edgesTouching(store: Store, tenant: TenantId, ids: readonly number[], direction: Direction): Promise<AssetRelation[]> {
  const out: AssetRelation[] = [];
  const chunk = Math.max(1, Math.min(500, Math.floor((store.sql.maxParams - 10) / 2)));
  for (let i = 0; i < ids.length; i += chunk) {
    const part = ids.slice(i, i + chunk);
    const sides = [...(direction !== 'down' ? [`from_id IN (${marks(part.length)})`] : []), ...(direction !== 'up' ? [`to_id IN (${marks(part.length)})`] : [])];
    const params: SqlValue[] = [tenant, ...part, ...(direction === 'both' ? part : [])];
    const rows = await store.sql.all(`SELECT from_id, to_id, kind FROM asset_relations WHERE tenant_id = ? AND (${sides.join(' OR ')})`, params);
    for (const r of rows) out.push({ fromId: Number(r.from_id), toId: Number(r.to_id), kind: r.kind as RelationKind });
  }
  return out;
}

/**
 * The graph around an asset, breadth-first: `up` follows relations toward what holds an asset (package → image →
 * workload → node → cluster), `down` the other way, `both` either at each step. Assets the scope hides are neither
 * returned nor walked through. At most `limit` assets (the root included); `truncated` says when more were reachable.
 */
export async function neighbourhood(
  store: Store,
  tenant: TenantId,
  root: Asset,
  opts: { depth: number; direction: Direction; limit: number; scope: Scope },
): Promise<Neighbourhood> {
  const found = new Map<number, Asset & { depth: number }>([[root.id, { ...root, depth: 0 }]]);
  let frontier = [root.id];
  let truncated = false;
  for (let depth = 1; depth <= opts.depth && frontier.length > 0; depth++) {
    const inFrontier = new Set(frontier);
    const candidates = new Set<number>();
    for (const e of await edgesTouching(store, tenant, frontier, opts.direction)) {
      if (opts.direction !== 'down' && inFrontier.has(e.fromId) && !found.has(e.toId)) candidates.add(e.toId);
      if (opts.direction !== 'up' && inFrontier.has(e.toId) && !found.has(e.fromId)) candidates.add(e.fromId);
    }
    const room = opts.limit - found.size;
    // Read candidates in id order, a chunk at a time, until one more than fits is known to be visible.
    const ids = [...candidates].sort((a, b) => a - b);
    const visible: Asset[] = [];
    for (let i = 0; i < ids.length && visible.length <= room; i += 500) {
      visible.push(...(await assetsByIds(store, tenant, ids.slice(i, i + 500), opts.scope)).sort((a, b) => a.id - b.id));
    }
    if (visible.length > room) truncated = true;
    for (const a of visible.slice(0, Math.max(0, room))) found.set(a.id, { ...a, depth });
    if (room <= 0) break;
    frontier = visible.slice(0, room).map((a) => a.id);
  }
  // The edges among the returned assets (also those joining two assets of one level).
  const edges = (await edgesTouching(store, tenant, [...found.keys()], 'up')).filter((e) => found.has(e.toId));
  const assets = [...found.values()].sort((a, b) => a.depth - b.depth || a.id - b.id);
  const relations = edges.sort((a, b) => a.fromId - b.fromId || a.toId - b.toId || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
  return { assets, relations, truncated };
}

/**
 * The `package` assets `installed-in` an asset (what its SBOM lists), by id, read a keyset page of `pageSize` at a
 * time so an image with many thousands of packages is read whole. The caller checks the asset is in the user's
 * scope: what is installed in an image the user may see is part of that image (its findings already name these
 * packages), whether or not each shared package asset was put in one of the user's groups.
 */
export async function installedPackages(store: Store, tenant: TenantId, assetId: number, pageSize = 1000): Promise<Asset[]> {
  const out: Asset[] = [];
  for (let after = 0; ; ) {
    const rows = await store.sql.all(
      `SELECT ${COLS} FROM assets a WHERE a.tenant_id = ? AND a.kind = ? AND a.id > ?
         AND a.id IN (SELECT r.from_id FROM asset_relations r WHERE r.tenant_id = ? AND r.to_id = ? AND r.kind = ?)
       ORDER BY a.id LIMIT ?`,
      [tenant, 'package', after, tenant, assetId, 'installed-in', pageSize],
    );
    for (const r of rows) out.push(toAsset(store, r));
    if (rows.length < pageSize) return out;
    after = out[out.length - 1].id;
  }
}
