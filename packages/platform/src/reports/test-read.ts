// Test helpers: read generated reports back the way a person's software would (PDF text, sheet cells, document
// paragraphs and tables) into one shape the tests compare with the API.
import ExcelJS from 'exceljs';
import mammoth from 'mammoth';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

export interface ReadBack {
  /** Every text of the file, in reading order, lines joined by "\n". */
  text: string;
  /** "Measure → Count" rows of the summary table. */
  summary: Map<string, number>;
  /** Rows (cells as text) of each table by its title; PDF: undefined (tables are read from `lines`). */
  tables?: Map<string, string[][]>;
  /** PDF: text lines (items on one baseline joined by a space). */
  lines: string[];
}

const LABEL_NUMBER = /^(.+?) (\d+)$/;

function summaryFromPairs(pairs: Iterable<[string, string]>): Map<string, number> {
  const m = new Map<string, number>();
  for (const [k, v] of pairs) if (/^\d+$/.test(v.trim()) && !m.has(k.trim())) m.set(k.trim(), Number(v.trim()));
  return m;
}

export async function readPdf(buf: Buffer): Promise<ReadBack> {
  const doc = await getDocument({ data: new Uint8Array(buf), useSystemFonts: false, disableFontFace: true, isEvalSupported: false }).promise;
  const lines: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const content = await page.getTextContent();
    const rows = new Map<number, Array<{ x: number; s: string }>>();
    for (const it of content.items) {
      if (!('str' in it) || it.str.trim() === '') continue;
      const y = Math.round(it.transform[5]);
      const key = [...rows.keys()].find((k) => Math.abs(k - y) <= 1) ?? y;
      (rows.get(key) ?? rows.set(key, []).get(key)!).push({ x: it.transform[4], s: it.str });
    }
    for (const y of [...rows.keys()].sort((a, b) => b - a)) {
      lines.push(
        rows
          .get(y)!
          .sort((a, b) => a.x - b.x)
          .map((p) => p.s.trim())
          .join(' ')
          .replace(/\s+/g, ' '),
      );
    }
  }
  await doc.destroy();
  const pairs: Array<[string, string]> = [];
  for (const l of lines) {
    const m = LABEL_NUMBER.exec(l);
    if (m) pairs.push([m[1], m[2]]);
  }
  return { text: lines.join('\n'), summary: summaryFromPairs(pairs), lines };
}

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object' && 'richText' in v) return v.richText.map((r) => r.text).join('');
  return String(v);
}

export async function readXlsx(buf: Buffer): Promise<ReadBack & { sheets: Map<string, ExcelJS.CellValue[][]> }> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ExcelJS.Buffer);
  const sheets = new Map<string, ExcelJS.CellValue[][]>();
  wb.eachSheet((ws) => {
    const rows: ExcelJS.CellValue[][] = [];
    ws.eachRow({ includeEmpty: true }, (row) => rows.push((row.values as ExcelJS.CellValue[]).slice(1)));
    sheets.set(ws.name, rows);
  });
  const summaryRows = sheets.get('Summary') ?? [];
  const start = summaryRows.findIndex((r) => r[0] === 'Measure');
  const summary = new Map<string, number>();
  for (const r of summaryRows.slice(start + 1)) if (typeof r[0] === 'string' && typeof r[1] === 'number') summary.set(r[0], r[1]);
  const tables = new Map<string, string[][]>();
  for (const [name, rows] of sheets) if (name !== 'Summary') tables.set(name, rows.map((r) => r.map(cellText)));
  const text = [...sheets.values()].flatMap((rows) => rows.map((r) => r.map(cellText).join(' '))).join('\n');
  return { text, summary, tables, lines: [], sheets };
}

function decode(s: string): string {
  return s
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .trim();
}

export async function readDocx(buf: Buffer): Promise<ReadBack & { paragraphs: string[] }> {
  const html = (await mammoth.convertToHtml({ buffer: buf })).value;
  const paragraphs = [...html.matchAll(/<(p|h1|h2|h3)[^>]*>(.*?)<\/\1>/g)].map((m) => decode(m[2]));
  // Tables in order, each titled by the heading just before it.
  const tables = new Map<string, string[][]>();
  const parts = html.split(/(<table>.*?<\/table>)/);
  let title = '';
  for (const part of parts) {
    if (part.startsWith('<table>')) {
      const rows = [...part.matchAll(/<tr>(.*?)<\/tr>/g)].map((r) => [...r[1].matchAll(/<t[dh][^>]*>(.*?)<\/t[dh]>/g)].map((c) => decode(c[1])));
      tables.set(title, rows);
    } else {
      const heads = [...part.matchAll(/<h1[^>]*>(.*?)<\/h1>/g)];
      if (heads.length > 0) title = decode(heads[heads.length - 1][1]);
    }
  }
  const summaryTable = tables.get('Summary') ?? [];
  return { text: paragraphs.join('\n'), summary: summaryFromPairs(summaryTable.slice(1).map((r) => [r[0], r[1]] as [string, string])), tables, lines: [], paragraphs };
}

export function readBack(format: string, buf: Buffer): Promise<ReadBack> {
  if (format === 'pdf') return readPdf(buf);
  if (format === 'xlsx') return readXlsx(buf);
  return readDocx(buf);
}
