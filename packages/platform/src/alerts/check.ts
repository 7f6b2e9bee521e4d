// One definition per input: the JSON schemas in schemas.ts are handed to Fastify (400 naming the field) and
// checked here for callers that skip HTTP (repository, worker), raising InputError with the same field path.
import { InputError } from '@bulwark/core';

/** The subset of JSON Schema the alert inputs use. */
export interface JsonSchema {
  type?: string | readonly string[];
  properties?: Readonly<Record<string, JsonSchema>>;
  required?: readonly string[];
  additionalProperties?: boolean;
  minProperties?: number;
  enum?: readonly unknown[];
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  description?: string;
  [k: string]: unknown;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(actual: string, want: string): boolean {
  return actual === want || (want === 'number' && actual === 'integer');
}

/** Throws InputError `<file>: <path>: expected …` at the first mismatch; `path` is the field's dotted name. */
export function checkSchema(value: unknown, schema: JsonSchema, file: string, path: string): void {
  const fail = (expected: string, at = path): never => {
    throw new InputError({ file, field: at || '(body)', expected });
  };
  if (schema.type !== undefined) {
    const types = typeof schema.type === 'string' ? [schema.type] : schema.type;
    const t = typeOf(value);
    if (!types.some((w) => typeMatches(t, w))) fail(types.join(' or '));
  }
  if (schema.enum && !schema.enum.includes(value)) fail(`one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`);
  if (typeof value === 'string') {
    const len = [...value].length;
    if (schema.minLength !== undefined && len < schema.minLength) fail(schema.minLength === 1 ? 'a non-empty string' : `at least ${schema.minLength} characters`);
    if (schema.maxLength !== undefined && len > schema.maxLength) fail(`at most ${schema.maxLength} characters`);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) fail(schema.description ?? `a string matching ${schema.pattern}`);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail('a finite number');
    if (schema.minimum !== undefined && value < schema.minimum) fail(`at least ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) fail(`at most ${schema.maximum}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) fail(`at least ${schema.minItems} item(s)`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems) fail(`at most ${schema.maxItems} items`);
    if (schema.uniqueItems && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) fail('no duplicate items');
    if (schema.items) value.forEach((v, i) => checkSchema(v, schema.items!, file, `${path}[${i}]`));
  }
  if (typeOf(value) === 'object') {
    const obj = value as Record<string, unknown>;
    const props = schema.properties ?? {};
    const join = (k: string) => (path ? `${path}.${k}` : k);
    for (const k of schema.required ?? []) if (obj[k] === undefined) fail('a value (required)', join(k));
    if (schema.minProperties !== undefined && Object.keys(obj).length < schema.minProperties) fail(`at least ${schema.minProperties} field(s)`);
    for (const [k, v] of Object.entries(obj)) {
      const p = props[k];
      if (!p) {
        if (schema.additionalProperties === false) fail('no such field (unknown)', join(k));
        continue;
      }
      if (v !== undefined) checkSchema(v, p, file, join(k));
    }
  }
}
