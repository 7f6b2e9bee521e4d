import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InputError, LimitError, err, ok, type EpssInfo, type Limits, type Result } from '@bulwark/core';
import { listFiles } from '../archive.js';
import type { Source, SourceItem } from '../types.js';

export interface EpssRow {
  cve: string;
  score: number;
  percentile: number;
}

const ROW_RE = /^(CVE-\d{4}-\d{4,}),([0-9.eE+-]+),([0-9.eE+-]+)$/;
const MAX_LINE = 4096;

/**
 * Line parser for FIRST's daily CSV (https://www.first.org/epss/data_stats): an optional
 * `#model_version:…,score_date:…` line, the `cve,epss,percentile` header, then one row per CVE.
 */
export class EpssParser {
  scoreDate: string | undefined;
  modelVersion: string | undefined;
  private header = false;
  constructor(private readonly file: string) {}

  line(raw: string, n: number): Result<EpssRow | undefined, InputError> {
    const line = raw.trim();
    if (line.length > MAX_LINE) return err(new LimitError({ file: this.file, field: `line ${n}`, limit: `line length ${MAX_LINE}` }));
    if (line === '') return ok(undefined);
    if (line.startsWith('#')) {
      for (const part of line.slice(1).split(',')) {
        const i = part.indexOf(':');
        if (i < 0) continue;
        const k = part.slice(0, i).trim();
        const v = part.slice(i + 1).trim();
        if (k === 'model_version') this.modelVersion = v;
        if (k === 'score_date') {
          const t = Date.parse(v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
          if (!Number.isNaN(t)) this.scoreDate = new Date(t).toISOString();
        }
      }
      return ok(undefined);
    }
    if (!this.header) {
      if (line !== 'cve,epss,percentile') return err(new InputError({ file: this.file, field: `line ${n}`, expected: 'the EPSS header "cve,epss,percentile"' }));
      this.header = true;
      return ok(undefined);
    }
    const m = ROW_RE.exec(line);
    const score = m ? Number(m[2]) : NaN;
    const percentile = m ? Number(m[3]) : NaN;
    if (!m || !(score >= 0 && score <= 1) || !(percentile >= 0 && percentile <= 1)) {
      return err(new InputError({ file: this.file, field: `line ${n}`, expected: 'CVE-YYYY-N,<score 0..1>,<percentile 0..1>' }));
    }
    return ok({ cve: m[1], score, percentile });
  }

  finish(): Result<void, InputError> {
    return this.header ? ok(undefined) : err(new InputError({ file: this.file, expected: 'an EPSS CSV with a "cve,epss,percentile" header' }));
  }
}

/** Streams rows from an EPSS CSV (gunzipped when the name ends in .gz). Throws InputError on bad input. */
export async function* readEpss(input: Readable, file: string, limits: Limits): AsyncGenerator<EpssRow | { scoreDate: string }> {
  const parser = new EpssParser(file);
  let bytes = 0;
  let n = 0;
  let dated = false;
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      n++;
      bytes += line.length + 1;
      if (bytes > limits.maxDocumentBytes) throw new LimitError({ file, limit: `maxDocumentBytes=${limits.maxDocumentBytes}` });
      const r = parser.line(line, n);
      if (!r.ok) throw r.error;
      if (!dated && parser.scoreDate) {
        dated = true;
        yield { scoreDate: parser.scoreDate };
      }
      if (r.value) yield r.value;
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError({ file, message: `unreadable EPSS file: ${(e as Error).message}`, cause: e });
  } finally {
    lines.close();
    input.destroy();
  }
  const done = parser.finish();
  if (!done.ok) throw done.error;
}

export function openEpss(path: string): Readable {
  const raw = createReadStream(path);
  if (!path.endsWith('.gz')) return raw;
  const gunzip = createGunzip();
  raw.on('error', (e) => gunzip.destroy(e));
  return raw.pipe(gunzip);
}

export const epss: Source = {
  id: 'epss',
  version: 1,
  // One file: the newest by name (epss_scores-YYYY-MM-DD sorts by date; "current" sorts after digits).
  locate: async (dir) => (await listFiles(dir, 'epss', (rel) => /^epss\/epss_scores-[^/]+\.csv(\.gz)?$/.test(rel))).slice(-1),
  async *read(dir, files, ctx): AsyncGenerator<SourceItem> {
    for (const rel of files) {
      const path = join(dir, rel);
      for await (const row of readEpss(openEpss(path), path, ctx.limits)) {
        if ('scoreDate' in row) yield { kind: 'snapshot', date: row.scoreDate };
        else {
          const info: EpssInfo = { score: row.score, percentile: row.percentile };
          yield { kind: 'epss', cve: row.cve, info };
        }
      }
    }
  },
};
