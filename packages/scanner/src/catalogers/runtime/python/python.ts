import { ok } from '@bulwark/core';
import type { Cataloger } from '../../types.js';
import { baseName } from '../../util.js';
import { runtimePackage } from '../common.js';

const ID = 'runtime/python';
const MiB = 1024 * 1024;
const NAME = /^(?:python(\d)(?:\.(\d+))?|libpython(\d)\.(\d+)m?\.so(?:\.[\d.]+)?)$/;

/**
 * CPython version from the interpreter or libpython: PY_VERSION ("3.11.2") is a NUL-delimited string in .rodata.
 * Other version-like strings sit beside it (bundled expat, zlib), so the candidate must match the major.minor
 * known from the file name, else from the extension-module tag compiled in (".cpython-311-x86_64-linux-gnu.so").
 */
export function pythonVersion(content: Buffer, fileName: string): string | undefined {
  const n = NAME.exec(fileName);
  const text = content.toString('latin1');
  let series: string | undefined;
  if (n && (n[2] ?? n[4]) !== undefined) series = `${n[1] ?? n[3]}.${n[2] ?? n[4]}`;
  else {
    const tag = /\0cpython-([23])(\d{1,2})\0/.exec(text) ?? /\.cpython-([23])(\d{1,2})[-.]/.exec(text);
    if (tag) series = `${tag[1]}.${tag[2]}`;
  }
  if (!series) return undefined;
  const re = /\0([23]\.\d{1,2}\.\d{1,3}(?:(?:a|b|rc)\d{1,2})?)\+?\0/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[1].startsWith(series + '.')) return m[1];
  }
  return undefined;
}

export const pythonRuntime: Cataloger = {
  id: ID,
  version: 1,
  maxBytes: 256 * MiB,
  matches(path, info) {
    const name = baseName(path);
    if (!NAME.test(name) || info.size < 1024) return false;
    return name.startsWith('lib') || (info.mode & 0o111) !== 0;
  },
  catalog(file) {
    if (!(file.content[0] === 0x7f && file.content[1] === 0x45)) return ok({ packages: [] }); // ELF only: not a script or venv shim
    const version = pythonVersion(file.content, baseName(file.path));
    if (!version) return ok({ packages: [] });
    return ok({ packages: [runtimePackage(file, ID, 'python', 'Python', version, { binary: baseName(file.path) })] });
  },
};
