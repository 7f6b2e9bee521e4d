import type * as ExcelJS from 'exceljs';
import { chartPng, reportCharts } from '../charts.js';
import type { ReportFormat } from '../format.js';
import { headerLines, printable, reportTables, summaryRows, type Table } from '../layout.js';
import type { ReportData } from '../types.js';

const HEAD_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF3F4F6' } };
/** Excel's cell limit is 32,767 characters. */
const MAX_CELL = 32_000;

/** Sheet names: at most 31 characters, none of []:*?/\ */
function sheetName(title: string): string {
  return title.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31);
}

function cell(v: string | number): string | number {
  return typeof v === 'string' && v.length > MAX_CELL ? `${v.slice(0, MAX_CELL - 1)}…` : v;
}

function tableSheet(wb: ExcelJS.Workbook, t: Table): void {
  const ws = wb.addWorksheet(sheetName(t.title), { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = t.columns.map((c) => ({ header: c.header, width: Math.max(8, Math.min(80, c.width * 2)) }));
  const head = ws.getRow(1);
  head.font = { bold: true };
  head.fill = HEAD_FILL;
  for (const r of t.rows) ws.addRow(r.map(cell));
  if (t.rows.length > 0) ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: t.columns.length } };
  if (t.note) {
    ws.addRow([]);
    ws.addRow([t.note]).font = { italic: true, color: { argb: 'FF6B7280' } };
  }
}

let lib: Promise<typeof ExcelJS> | undefined;

async function render(model: ReportData): Promise<Buffer> {
  const d = printable(model);
  // Loaded on first use: the library takes a second to import and most processes never write a workbook.
  const excel = await (lib ??= import('exceljs').then((m) => (m as unknown as { default: typeof ExcelJS }).default));
  const wb = new excel.Workbook();
  wb.creator = 'Bulwark';
  wb.title = `${d.title} — ${d.tenant.name}`;
  wb.created = new Date(d.generatedAt);
  wb.modified = new Date(d.generatedAt);

  const ws = wb.addWorksheet('Summary');
  ws.getColumn(1).width = 28;
  ws.getColumn(2).width = 60;
  ws.addRow([d.title]).font = { bold: true, size: 16 };
  for (const [k, v] of headerLines(d)) ws.addRow([k, v]).getCell(1).font = { bold: true };
  ws.addRow([]);
  const head = ws.addRow(['Measure', 'Count']);
  head.font = { bold: true };
  head.eachCell((c) => (c.fill = HEAD_FILL));
  for (const [k, n] of summaryRows(d)) ws.addRow([k, n]);

  // Charts to the right of the summary, one under the other.
  let row = 0;
  for (const c of reportCharts(d)) {
    const id = wb.addImage({ buffer: (await chartPng(c)) as unknown as ExcelJS.Buffer, extension: 'png' });
    ws.addImage(id, { tl: { col: 3, row }, ext: { width: c.width, height: c.height } });
    row += Math.ceil(c.height / 20) + 1;
  }

  for (const t of reportTables(d)) tableSheet(wb, t);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export const xlsx: ReportFormat = {
  id: 'xlsx',
  contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  extension: 'xlsx',
  render,
};
