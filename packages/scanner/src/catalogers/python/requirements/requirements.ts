import { InputError, err, ok } from '@bulwark/core';
import type { Package, Result } from '@bulwark/core';
import type { CatalogResult, Cataloger, FileInput } from '../../types.js';
import { baseName, checkSize } from '../../util.js';
import { pypiPackage } from '../common.js';

const ID = 'python/requirements';
const MAX_BYTES = 8 * 1024 * 1024;

/** `name[extras] == version`, nothing else: one exact pin (`===` arbitrary equality too); wildcards are ranges. */
const PIN = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[([^\]]*)\])?\s*===?\s*([A-Za-z0-9._+!-]+)$/;

/** pip reads UTF-16 files that carry a BOM (Windows `pip freeze > requirements.txt` in PowerShell). */
function decode(buf: Buffer): string {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) {
    const swapped = Buffer.from(buf.subarray(2, 2 + ((buf.length - 2) & ~1)));
    return swapped.swap16().toString('utf16le');
  }
  const text = buf.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Logical lines: `\` at the end joins the next line; comments (`#` at start or after whitespace) removed. */
export function logicalLines(text: string): { line: string; lineNo: number }[] {
  const out: { line: string; lineNo: number }[] = [];
  const physical = text.split(/\r?\n|\r/);
  let buf = '';
  let start = 0;
  for (let i = 0; i < physical.length; i++) {
    if (buf === '') start = i + 1;
    let l = physical[i];
    const continued = l.endsWith('\\');
    if (continued) l = l.slice(0, -1);
    buf += l;
    if (continued && i < physical.length - 1) continue;
    const hash = buf.search(/(^|\s)#/);
    const line = (hash < 0 ? buf : buf.slice(0, hash)).trim();
    if (line !== '') out.push({ line, lineNo: start });
    buf = '';
  }
  return out;
}

/** Strips per-requirement options (`--hash=sha256:...`, `--global-option`) and the environment marker. */
function requirementPart(line: string): { spec: string; marker?: string } {
  let spec = line.replace(/\s--?[a-zA-Z][\w-]*(?:[= ]\S+)?/g, ' ').trim();
  let marker: string | undefined;
  const semi = spec.indexOf(';');
  if (semi >= 0) {
    marker = spec.slice(semi + 1).trim();
    spec = spec.slice(0, semi).trim();
  }
  return marker ? { spec, marker } : { spec };
}

function catalog(file: FileInput): Result<CatalogResult, InputError> {
  const size = checkSize(file, MAX_BYTES);
  if (!size.ok) return size;
  const text = decode(file.content);
  if (text.includes('\0')) return err(new InputError({ file: file.path, expected: 'a text requirements file', message: 'binary content (NUL bytes)' }));
  const packages: Package[] = [];
  for (const { line, lineNo } of logicalLines(text)) {
    // -r/-c includes are not followed (the other file is catalogued on its own); -e, --index-url... are not pins.
    if (line.startsWith('-')) continue;
    const { spec, marker } = requirementPart(line);
    const m = PIN.exec(spec);
    if (!m) continue;
    const [, name, extras, version] = m;
    const metadata: Record<string, unknown> = { line: lineNo };
    const extraList = extras?.split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (extraList && extraList.length > 0) metadata.extras = extraList;
    if (marker) metadata.marker = marker;
    packages.push(pypiPackage(file, ID, name, version, { metadata }));
  }
  return ok({ packages });
}

/** pip requirements files: exact `name==version` pins only; ranges, URLs and editable installs are not packages. */
export const requirements: Cataloger = {
  id: ID,
  version: 1,
  maxBytes: MAX_BYTES,
  matches(path) {
    return /requirements[^/]*\.txt$/.test(baseName(path));
  },
  catalog,
};
