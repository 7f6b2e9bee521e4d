import { parseControl } from './control.js';

// Debian short license names (https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/#license-short-name)
// whose SPDX id differs only in spelling.
const SIMPLE: Record<string, string> = {
  expat: 'MIT',
  mit: 'MIT',
  'apache-2': 'Apache-2.0',
  'apache-2.0': 'Apache-2.0',
  'apache-1.1': 'Apache-1.1',
  artistic: 'Artistic-1.0-Perl',
  'artistic-1.0': 'Artistic-1.0',
  'artistic-2': 'Artistic-2.0',
  'artistic-2.0': 'Artistic-2.0',
  'bsd-2-clause': 'BSD-2-Clause',
  'bsd-3-clause': 'BSD-3-Clause',
  'bsd-4-clause': 'BSD-4-Clause',
  isc: 'ISC',
  zlib: 'Zlib',
  cc0: 'CC0-1.0',
  'cc0-1.0': 'CC0-1.0',
  'mpl-1.1': 'MPL-1.1',
  'mpl-2': 'MPL-2.0',
  'mpl-2.0': 'MPL-2.0',
  'psf-2': 'PSF-2.0',
  'python-2.0': 'Python-2.0',
  sleepycat: 'Sleepycat',
  x11: 'X11',
  'cc-by-3.0': 'CC-BY-3.0',
  'cc-by-sa-3.0': 'CC-BY-SA-3.0',
  'cc-by-4.0': 'CC-BY-4.0',
  'cc-by-sa-4.0': 'CC-BY-SA-4.0',
  bsl: 'BSL-1.0',
  'bsl-1.0': 'BSL-1.0',
  'ofl-1.1': 'OFL-1.1',
  'wtfpl': 'WTFPL',
  'unlicense': 'Unlicense',
};

/** One Debian short name to SPDX ("GPL-2+" → "GPL-2.0-or-later", "Expat" → "MIT"); unknown names come back trimmed. */
export function normalizeDebianLicense(raw: string): string {
  const s = raw.trim();
  const simple = SIMPLE[s.toLowerCase()];
  if (simple) return simple;
  const m = /^(GPL|LGPL|AGPL|GFDL|GFDL-NIV)-(\d)(?:\.(\d))?(\+)?$/i.exec(s);
  if (m) {
    const family = m[1].toUpperCase();
    const version = `${m[2]}.${m[3] ?? '0'}`;
    const suffix = m[4] ? 'or-later' : 'only';
    if (family === 'GFDL-NIV') return `GFDL-${version}-no-invariants-${suffix}`;
    return `${family}-${version}-${suffix}`;
  }
  return s;
}

/** Splits a DEP-5 License value ("GPL-2+ or Artistic", "BSD-3-clause and/or GPL-3+") into its names. */
export function splitLicenseExpression(value: string): string[] {
  return value
    .split(/\s+(?:and\/or|or|and)\s+|\s*,\s*|\s*\|\s*/i)
    .map((s) => s.trim().replace(/^(?:and\/or|or|and)\s+/i, ''))
    .filter((s) => s.length > 0);
}

const COMMON_LICENSE_REF = /\/usr\/share\/common-licenses\/([0-9A-Za-z_.+-]*[0-9A-Za-z+])/g;

// Phrases of common license texts, checked on whitespace-collapsed text when a file names no license.
const TEXT_MARKERS: [test: (t: string) => boolean, id: string][] = [
  [(t) => t.includes('permission is hereby granted, free of charge, to any person obtaining a copy'), 'MIT'],
  [(t) => t.includes('apache license') && t.includes('version 2.0'), 'Apache-2.0'],
  [(t) => t.includes('permission to use, copy, modify, and/or distribute this software for any purpose with or without fee is hereby granted'), 'ISC'],
  [(t) => t.includes("this software is provided 'as-is', without any express or implied warranty") && t.includes('altered source versions must be plainly marked'), 'Zlib'],
  [(t) => /gnu lesser general public license[^.]{0,80}version 2\.1/.test(t), 'LGPL-2.1-or-later'],
  [(t) => /gnu (library|lesser) general public license[^.]{0,80}version 3/.test(t), 'LGPL-3.0-or-later'],
  [(t) => /gnu general public license[^.]{0,80}version 2 of the license, or \(at your option\) any later version/.test(t), 'GPL-2.0-or-later'],
  [(t) => /gnu general public license[^.]{0,80}version 3 of the license, or \(at your option\) any later version/.test(t), 'GPL-3.0-or-later'],
];

function bsdVariant(t: string): string | undefined {
  if (!t.includes('redistribution and use in source and binary forms, with or without modification, are permitted')) return undefined;
  if (t.includes('all advertising materials mentioning features')) return 'BSD-4-Clause';
  if (t.includes('neither the name') || t.includes('may not be used to endorse or promote')) return 'BSD-3-Clause';
  return 'BSD-2-Clause';
}

/** Licenses recognised from license texts (MIT, Apache-2.0, GPL/LGPL notices, BSD variants, ISC, Zlib). */
export function recogniseLicenseText(text: string): string[] {
  const t = text.replace(/^\s*\.\s*$/gm, ' ').replace(/\s+/g, ' ').toLowerCase();
  const out = TEXT_MARKERS.filter(([f]) => f(t)).map(([, id]) => id);
  const bsd = bsdVariant(t);
  if (bsd) out.push(bsd);
  return out;
}

function isMachineReadable(text: string): boolean {
  return /^Format:\s*\S*copyright-format/m.test(text.slice(0, 1024));
}

/**
 * Licenses of a Debian copyright file, as Trivy reads them: the `License:` fields of a machine-readable
 * (DEP-5) file, else references to /usr/share/common-licenses, and when neither names one, license texts
 * recognised by their wording. SPDX ids where the name maps to one, Debian's names otherwise.
 */
export function copyrightLicenses(text: string): string[] {
  const found: string[] = [];
  const add = (l: string): void => {
    if (l.length > 0 && l.length <= 100 && !found.includes(l)) found.push(l);
  };
  if (isMachineReadable(text)) {
    for (const para of parseControl(text).paragraphs) {
      const value = para.get('License');
      if (value === undefined) continue;
      const first = value.split('\n')[0].trim();
      // "GPL-3+ with Bison exception" stays whole: the exception is part of the license.
      if (/\bwith\b.*\bexception\b/i.test(first)) add(first);
      else for (const name of splitLicenseExpression(first)) add(normalizeDebianLicense(name));
    }
  }
  // In a DEP-5 file a reference only points at the full text of a license already named ("GPL-2+" cites
  // common-licenses/GPL-2), so references count only where no License field names one.
  if (found.length === 0) for (const m of text.matchAll(COMMON_LICENSE_REF)) add(normalizeDebianLicense(m[1]));
  if (found.length === 0) for (const l of recogniseLicenseText(text)) add(l);
  return found;
}
