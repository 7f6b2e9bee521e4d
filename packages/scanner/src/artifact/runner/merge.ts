import type { Distro, FileError, LayerRef, Package } from '@bulwark/core';
import type { FileResult, LayerCatalog } from './layer-catalog.js';

interface LayerSets {
  files: Set<string>;
  dirs: Set<string>;
  whiteouts: Set<string>;
  opaque: Set<string>;
  symlinks: Record<string, string>;
  results: Map<string, FileResult[]>;
}

export interface MergeInput {
  /** Bottom to top. */
  layers: readonly LayerCatalog[];
  /** LayerRef per position (undefined for rootfs / fs scans). */
  refs: readonly (LayerRef | undefined)[];
  relativePaths: boolean;
  maxSymlinkHops: number;
}

export interface MergeOutput {
  packages: Package[];
  os?: Distro;
  fileErrors: FileError[];
  warnings: string[];
}

function parentOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}

function sets(c: LayerCatalog, relative: boolean): LayerSets {
  const results = new Map<string, FileResult[]>();
  for (const r of c.results) {
    const abs = relative ? '/' + r.path : r.path;
    const list = results.get(abs) ?? [];
    list.push(r);
    results.set(abs, list);
  }
  return { files: new Set(c.files), dirs: new Set(c.dirs), whiteouts: new Set(c.whiteouts), opaque: new Set(c.opaque), symlinks: c.symlinks, results };
}

/** Layer `m` removes what lower layers have at `p`: a whiteout of p or an ancestor, an opaque ancestor, a non-directory ancestor. */
function deletes(l: LayerSets, p: string): boolean {
  if (l.whiteouts.has(p)) return true;
  for (let a = parentOf(p); ; a = parentOf(a)) {
    if (l.whiteouts.has(a) || l.opaque.has(a) || l.files.has(a)) return true;
    if (a === '/') return false;
  }
}

/** Layer `m` replaces or removes a lower layer's file at `p`. */
function touches(l: LayerSets, p: string): boolean {
  return l.files.has(p) || l.dirs.has(p) || deletes(l, p);
}

function samePackage(a: Package, b: Package): boolean {
  return a.type === b.type && a.name === b.name && a.version === b.version;
}

/**
 * Builds the final view from per-layer catalogs: only results whose file survives to the top layer count;
 * each package keeps the earliest layer from which an identical package was continuously present at that
 * path; license hints join packages by type and name; the OS comes from /etc/os-release as the final
 * tree resolves it (symlinks followed with a hop limit).
 */
export function mergeLayers(input: MergeInput): MergeOutput {
  const L = input.layers.map((c) => sets(c, input.relativePaths));
  const n = L.length;
  const survives = (i: number, p: string): boolean => {
    for (let m = i + 1; m < n; m++) if (touches(L[m], p)) return false;
    return true;
  };
  const shown = (abs: string): string => (input.relativePaths ? abs.slice(1) : abs);
  const warnings: string[] = [];
  const fileErrors: FileError[] = [];
  const packages: Package[] = [];
  const osByPath = new Map<string, Distro>();
  const hints = new Map<string, Set<string>>();

  for (let k = 0; k < n; k++) {
    for (const e of input.layers[k].fileErrors) {
      if (survives(k, input.relativePaths ? '/' + e.path : e.path)) fileErrors.push(e);
    }
    for (const [abs, results] of L[k].results) {
      if (!survives(k, abs)) continue;
      for (const r of results) {
        if (r.os) osByPath.set(abs, r.os);
        for (const h of r.licenseHints ?? []) {
          const key = `${h.type}\0${h.name}`;
          const set = hints.get(key) ?? new Set<string>();
          for (const l of h.licenses) set.add(l);
          hints.set(key, set);
        }
        for (const p of r.packages) {
          const earliest = earliestLayer(L, k, abs, p);
          const ref = input.refs[earliest];
          const pkg: Package = { ...p, licenses: [...p.licenses] };
          pkg.locations = (p.locations.length > 0 ? p.locations : [{ path: shown(abs) }]).map((loc) => {
            const { layer: _old, ...rest } = loc;
            return ref ? { ...rest, layer: ref } : rest;
          });
          packages.push(pkg);
        }
      }
    }
  }

  for (const pkg of packages) {
    const extra = hints.get(`${pkg.type}\0${pkg.name}`);
    if (!extra) continue;
    for (const l of extra) if (!pkg.licenses.includes(l)) pkg.licenses.push(l);
  }

  packages.sort(
    (a, b) =>
      cmp(a.locations[0]?.path ?? '', b.locations[0]?.path ?? '') || cmp(a.type, b.type) || cmp(a.name, b.name) || cmp(a.version, b.version) || cmp(a.foundBy, b.foundBy),
  );

  const out: MergeOutput = { packages, fileErrors, warnings };
  const os = pickOs(L, osByPath, input.maxSymlinkHops, fileErrors, shown);
  if (os) out.os = os;
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function earliestLayer(L: LayerSets[], k: number, abs: string, p: Package): number {
  let earliest = k;
  for (let m = k - 1; m >= 0; m--) {
    // Layer m+1 hiding the path from everything below ends the chain.
    if (deletes(L[m + 1], abs)) break;
    const l = L[m];
    if (l.files.has(abs)) {
      const rs = l.results.get(abs);
      if (rs && rs.some((r) => r.packages.some((q) => samePackage(q, p)))) {
        earliest = m;
        continue;
      }
      break;
    }
    if (l.dirs.has(abs)) break;
  }
  return earliest;
}

type FinalEntry = { type: 'file' } | { type: 'dir' } | { type: 'symlink'; target: string };

function lookupFinal(L: LayerSets[], p: string): FinalEntry | undefined {
  for (let m = L.length - 1; m >= 0; m--) {
    const l = L[m];
    const target = l.symlinks[p];
    if (target !== undefined && Object.prototype.hasOwnProperty.call(l.symlinks, p)) return { type: 'symlink', target };
    if (l.files.has(p)) return { type: 'file' };
    if (l.dirs.has(p)) return { type: 'dir' };
    if (deletes(l, p)) return undefined;
  }
  return undefined;
}

/** Resolves a path in the final tree, following symlinks in every component; throws on loops past `maxHops`. */
export function resolveFinalPath(L: LayerSets[], path: string, maxHops: number): string {
  let pending = path.split('/').filter((s) => s.length > 0);
  let cur = '/';
  let hops = 0;
  while (pending.length > 0) {
    const c = pending.shift()!;
    if (c === '.') continue;
    if (c === '..') {
      cur = parentOf(cur);
      continue;
    }
    const next = cur === '/' ? `/${c}` : `${cur}/${c}`;
    const e = lookupFinal(L, next);
    if (e?.type === 'symlink') {
      if (++hops > maxHops) throw new Error(`symlink loop or chain longer than ${maxHops} resolving ${path}`);
      pending = [...e.target.split('/').filter((s) => s.length > 0), ...pending];
      if (e.target.startsWith('/')) cur = '/';
      continue;
    }
    cur = next;
  }
  return cur;
}

function pickOs(L: LayerSets[], osByPath: Map<string, Distro>, maxHops: number, fileErrors: FileError[], shown: (p: string) => string): Distro | undefined {
  if (osByPath.size === 0) return undefined;
  for (const candidate of ['/etc/os-release', '/usr/lib/os-release']) {
    try {
      const real = resolveFinalPath(L, candidate, maxHops);
      const os = osByPath.get(real);
      if (os) return os;
    } catch (e) {
      fileErrors.push({ path: shown(candidate), error: (e as Error).message });
    }
  }
  // Any other OS file that survives (e.g. /etc/alpine-release), deepest layer first.
  return [...osByPath.values()].pop();
}
