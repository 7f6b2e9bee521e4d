import { InputError, LimitError, err, ok } from '@bulwark/core';
import type { Cataloger } from '../../types.js';
import { baseName } from '../../util.js';
import { runtimePackage } from '../common.js';

const ID = 'runtime/java';
const MAX_BYTES = 64 * 1024;

/** The `release` file of a JDK/JRE image: shell-style KEY="value" lines written by the OpenJDK build. */
export function parseRelease(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^([A-Z][A-Z0-9_]*)=(?:"([^"]*)"|'([^']*)'|(\S*))\s*$/.exec(line);
    if (m) out.set(m[1], m[2] ?? m[3] ?? m[4] ?? '');
  }
  return out;
}

export const javaRuntime: Cataloger = {
  id: ID,
  version: 1,
  maxBytes: MAX_BYTES,
  matches(path) {
    return baseName(path) === 'release' && /(^|\/)(jvm|java|jdk|jre|openjdk|zulu|temurin|corretto)[^/]*\//i.test(path);
  },
  catalog(file) {
    if (file.content.length > MAX_BYTES) return err(new LimitError({ file: file.path, limit: `maxBytes=${MAX_BYTES}` }));
    if (file.content.includes(0)) return err(new InputError({ file: file.path, expected: 'a JDK release text file' }));
    const rel = parseRelease(file.content.toString('utf8'));
    const version = rel.get('JAVA_VERSION');
    if (!version) return ok({ packages: [] }); // some other file named "release"
    if (!/^\d+(\.\d+)*(-[\w.]+)?$/.test(version)) return err(new InputError({ file: file.path, field: 'JAVA_VERSION', expected: 'a Java version like 17.0.9' }));
    const meta: Record<string, unknown> = {};
    for (const [k, key] of [['IMPLEMENTOR', 'implementor'], ['JAVA_RUNTIME_VERSION', 'runtimeVersion'], ['IMAGE_TYPE', 'imageType'], ['JVM_VARIANT', 'jvmVariant'], ['IMPLEMENTOR_VERSION', 'implementorVersion']] as const) {
      const v = rel.get(k);
      if (v) meta[key] = v;
    }
    return ok({ packages: [runtimePackage(file, ID, 'openjdk', 'Java', version, meta)] });
  },
};
