import { buildPurl, ok } from '@bulwark/core';
import type { Package } from '@bulwark/core';
import type { Cataloger, FileInput } from '../../types.js';
import { readGoBuildInfo } from './buildinfo.js';
import type { GoBuildInfo, GoModule } from './buildinfo.js';
import { makePackage } from '../../util.js';

const ID = 'go/binary';
const MiB = 1024 * 1024;

/**
 * Go toolchain version as the Go vulnerability database writes stdlib versions: "go1.21.5" → "1.21.5",
 * "go1.20" → "1.20.0", "go1.21rc2" → "1.21.0-rc.2", experiments (" X:loopvar") dropped. Undefined for devel builds.
 */
export function stdlibVersion(goVersion: string): string | undefined {
  const m = /^go(\d+)\.(\d+)(?:\.(\d+))?(?:(rc|beta|alpha)(\d+))?$/.exec(goVersion.split(' ')[0]);
  if (!m) return undefined;
  const core = `${m[1]}.${m[2]}.${m[3] ?? '0'}`;
  return m[4] ? `${core}-${m[4]}.${m[5]}` : core;
}

/** Splits a module path for the purl: "github.com/a/b" → namespace "github.com/a", name "b". */
export function goPurlParts(path: string): { namespace?: string; name: string } {
  const i = path.lastIndexOf('/');
  return i < 0 ? { name: path } : { namespace: path.slice(0, i), name: path.slice(i + 1) };
}

/** The packages a Go binary's build info describes: main module, stdlib, then every dependency. */
export function goBuildInfoPackages(info: GoBuildInfo, file: Pick<FileInput, 'path' | 'layer'>): Package[] {
  const out: Package[] = [];
  const common = { goVersion: info.goVersion, ...(info.packer ? { packer: info.packer } : {}) };
  const module = (m: GoModule, extra: Record<string, unknown>): Package => {
    const meta: Record<string, unknown> = { ...common, ...extra };
    let path = m.path;
    let version = m.version;
    if (m.sum) meta.sum = m.sum;
    if (m.replace) {
      if (m.replace.version !== '' && m.replace.version !== '(devel)') {
        meta.replaces = { path: m.path, version: m.version };
        path = m.replace.path;
        version = m.replace.version;
        if (m.replace.sum) meta.sum = m.replace.sum;
        else delete meta.sum;
      } else {
        // A local directory stands in for the module: no upstream version describes the code.
        meta.replacedBy = m.replace.path;
        meta.requiredVersion = m.version;
        version = '';
      }
    }
    if (version === '(devel)') {
      meta.rawVersion = version;
      version = '';
    }
    return makePackage({ name: path, version, type: 'golang', ecosystem: 'Go', foundBy: ID, path: file.path, layer: file.layer, purl: goPurlParts(path), metadata: meta });
  };

  if (info.main) {
    const settings = Object.fromEntries(info.settings.map((s) => [s.key, s.value]));
    out.push(module(info.main, { main: true, ...(info.path ? { packagePath: info.path } : {}), buildSettings: settings }));
  }
  const std = stdlibVersion(info.goVersion);
  if (std) {
    const pkg = makePackage({
      name: 'stdlib',
      version: std,
      type: 'golang',
      ecosystem: 'Go',
      foundBy: ID,
      path: file.path,
      layer: file.layer,
      metadata: { ...common, ...(!info.main && info.path ? { packagePath: info.path } : {}) },
    });
    // Trivy and Syft write the stdlib purl version with the module-style "v"; OSV ranges use it without.
    pkg.purl = buildPurl({ type: 'golang', name: 'stdlib', version: `v${std}` });
    out.push(pkg);
  }
  for (const d of info.deps) out.push(module(d, {}));
  return out;
}

export const goBinary: Cataloger = {
  id: ID,
  // 2: build info read from UPX-packed executables (metadata.packer).
  version: 2,
  maxBytes: 512 * MiB,
  matches(path, info) {
    if (info.size < 64 || info.size > 512 * MiB) return false;
    return (info.mode & 0o111) !== 0 || path.toLowerCase().endsWith('.exe');
  },
  catalog(file) {
    const info = readGoBuildInfo(file.content, file.path);
    if (!info.ok) return info;
    if (!info.value) return ok({ packages: [] });
    return ok({ packages: goBuildInfoPackages(info.value, file) });
  },
};
