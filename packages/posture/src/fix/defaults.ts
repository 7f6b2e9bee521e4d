import type { DocPath, Fix } from '../rules/types.js';

/**
 * Values the mechanical fixes write. Change them here (or per run through `planFixes(..., { defaults })`);
 * the rules read them when they build a fix.
 */
export interface FixDefaults {
  /** UID written where a rule demands a non-root (or ≥ 10000) user: securityContext.runAsUser, Dockerfile USER. */
  uid: number;
  resources: {
    requests: { cpu: string; memory: string };
    limits: { cpu: string; memory: string };
  };
}

export const FIX_DEFAULTS: Readonly<FixDefaults> = Object.freeze({
  uid: 10001,
  resources: Object.freeze({
    requests: Object.freeze({ cpu: '100m', memory: '128Mi' }),
    limits: Object.freeze({ cpu: '500m', memory: '512Mi' }),
  }),
});

/** Set a field (created with its missing parents), keeping everything else of the document. */
export function setFix(path: DocPath, value: unknown): Fix {
  return { kind: 'set', path, value };
}

/**
 * Make `list` (a string array at `path`, possibly absent) contain `item`: append at the end when the list exists,
 * create `[item]` when it does not. Undefined when the item is already there.
 */
export function appendFix(path: DocPath, list: unknown, item: string): Fix | undefined {
  if (!Array.isArray(list)) return list === undefined || list === null ? setFix(path, [item]) : undefined;
  if (list.some((x) => String(x) === item)) return undefined;
  return setFix([...path, list.length], item);
}
