import { InputError, err, ok } from '@bulwark/core';
import type { Package } from '@bulwark/core';
import type { Cataloger } from '../../catalogers/types.js';

/** Test catalogers (the real ones live in catalogers/ and are not used here). */
export const testOsRelease: Cataloger = {
  id: 'test/os-release',
  version: 1,
  maxBytes: 64 * 1024,
  matches: (p) => p === '/etc/os-release' || p === '/usr/lib/os-release',
  catalog(f) {
    const text = f.content.toString('utf8');
    const get = (k: string) => new RegExp(`^${k}="?([^"\\n]*)"?$`, 'm').exec(text)?.[1];
    const id = get('ID');
    if (!id) return err(new InputError({ file: f.path, field: 'ID', expected: 'an ID= line' }));
    const os = { id, ...(get('VERSION_ID') ? { versionId: get('VERSION_ID') } : {}) };
    return ok({ packages: [], os });
  },
};

/** Reads "Package:/Version:" stanzas of a dpkg status file; refuses a file without any. */
export const testDpkg: Cataloger = {
  id: 'test/dpkg',
  version: 1,
  maxBytes: 1024 * 1024,
  matches: (p) => p === '/var/lib/dpkg/status',
  catalog(f) {
    const packages: Package[] = [];
    for (const stanza of f.content.toString('utf8').split(/\n\n+/)) {
      const name = /^Package: (.+)$/m.exec(stanza)?.[1];
      const version = /^Version: (.+)$/m.exec(stanza)?.[1];
      if (!name || !version) continue;
      packages.push({
        name,
        version,
        type: 'deb',
        ecosystem: 'Debian',
        purl: `pkg:deb/debian/${name}@${encodeURIComponent(version)}?arch=amd64`,
        licenses: [],
        locations: [f.layer ? { path: f.path, layer: f.layer } : { path: f.path }],
        foundBy: 'test/dpkg',
      });
    }
    if (packages.length === 0) return err(new InputError({ file: f.path, expected: 'Package: stanzas' }));
    return ok({ packages, licenseHints: packages.filter((p) => p.name === 'zlib1g').map((p) => ({ type: 'deb' as const, name: p.name, licenses: ['Zlib'] })) });
  },
};

/** One package per "name@version" line of any file called `pkgs.txt` (relative or absolute paths). */
export const testLines: Cataloger = {
  id: 'test/lines',
  version: 1,
  maxBytes: 4096,
  matches: (p) => p === 'pkgs.txt' || p.endsWith('/pkgs.txt'),
  catalog(f) {
    const packages: Package[] = f.content
      .toString('utf8')
      .split('\n')
      .filter((l) => l.includes('@'))
      .map((l) => {
        const [name, version] = l.trim().split('@');
        return { name, version, type: 'npm', ecosystem: 'npm', purl: `pkg:npm/${name}@${version}`, licenses: [], locations: [f.layer ? { path: f.path, layer: f.layer } : { path: f.path }], foundBy: 'test/lines' };
      });
    return ok({ packages });
  },
};

export const testCatalogers = [testOsRelease, testDpkg, testLines];
