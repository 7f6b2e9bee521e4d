// Report formats: one line per folder.
import { InputError } from '@bulwark/core';
import { docx } from './docx/docx.js';
import type { FormatId, ReportFormat } from './format.js';
import { pdf } from './pdf/pdf.js';
import { xlsx } from './xlsx/xlsx.js';

function registryOf(list: readonly ReportFormat[]): ReadonlyMap<string, ReportFormat> {
  const m = new Map<string, ReportFormat>();
  for (const f of list) {
    if (m.has(f.id)) throw new Error(`duplicate report format ${f.id}`);
    m.set(f.id, f);
  }
  return m;
}

export const FORMATS = registryOf([pdf, xlsx, docx]);
export const FORMAT_IDS = [...FORMATS.keys()] as FormatId[];

/** The format named `id`; InputError naming `format` otherwise. */
export function formatOf(id: unknown): ReportFormat {
  const f = typeof id === 'string' ? FORMATS.get(id) : undefined;
  if (!f) throw new InputError({ file: 'report', field: 'format', expected: `one of ${FORMAT_IDS.join(', ')}` });
  return f;
}
