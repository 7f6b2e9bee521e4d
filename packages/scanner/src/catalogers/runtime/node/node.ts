import { ok } from '@bulwark/core';
import type { Cataloger } from '../../types.js';
import { baseName } from '../../util.js';
import { runtimePackage } from '../common.js';

const ID = 'runtime/node';
const MiB = 1024 * 1024;
const MARKER = Buffer.from('node.js/v', 'latin1');
const VERSION = /^node\.js\/v(\d+\.\d+\.\d+)(?![\d.])/;

/** Node.js version embedded in a `node` executable or `libnode.so` ("node.js/v20.11.1", the runtime's own user agent). */
export function nodeVersion(content: Buffer): string | undefined {
  for (let at = content.indexOf(MARKER); at >= 0; at = content.indexOf(MARKER, at + 1)) {
    const m = VERSION.exec(content.toString('latin1', at, at + 32));
    if (m) return m[1];
  }
  return undefined;
}

export const nodeRuntime: Cataloger = {
  id: ID,
  version: 1,
  maxBytes: 512 * MiB,
  matches(path, info) {
    const name = baseName(path);
    if (/^libnode\.so(\.\d+)*$/.test(name)) return true;
    return (name === 'node' || name === 'nodejs') && (info.mode & 0o111) !== 0 && info.size > 1024;
  },
  catalog(file) {
    const version = nodeVersion(file.content);
    if (!version) return ok({ packages: [] });
    return ok({ packages: [runtimePackage(file, ID, 'node', 'Node.js', version, { binary: baseName(file.path) })] });
  },
};
