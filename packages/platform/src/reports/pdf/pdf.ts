import type PDFDocumentCtor from 'pdfkit';
import type { Chart } from '../charts.js';
import { reportCharts } from '../charts.js';
import type { ReportFormat } from '../format.js';
import { reportFonts } from '../fonts.js';
import { formatInstant, headerLines, printable, reportTables, summaryRows, type Table } from '../layout.js';
import type { ReportData } from '../types.js';

type Doc = PDFKit.PDFDocument;

const MARGIN = 40;
const INK = '#111827';
const MUTED = '#6b7280';
const RULE = '#d1d5db';
const HEAD_BG = '#f3f4f6';
const MAX_CELL = 300;

interface Fonts {
  body: string;
  bold: string;
}

function useFonts(doc: Doc): Fonts {
  const f = reportFonts();
  if (!f.regular) return { body: 'Helvetica', bold: 'Helvetica-Bold' };
  doc.registerFont('body', f.regular);
  doc.registerFont('bold', f.bold ?? f.regular);
  return { body: 'body', bold: 'bold' };
}

/** Draws a chart's shapes as vectors, scaled to `width`; returns the height used. */
function drawChart(doc: Doc, fonts: Fonts, chart: Chart, x: number, y: number, width: number): number {
  const s = width / chart.width;
  doc.save();
  doc.translate(x, y).scale(s);
  for (const sh of chart.shapes) {
    if (sh.kind === 'rect') doc.rect(sh.x, sh.y, sh.w, sh.h).fill(sh.fill);
    else if (sh.kind === 'path') doc.path(sh.d).fill(sh.fill);
    else {
      doc.font(sh.bold ? fonts.bold : fonts.body).fontSize(sh.size).fillColor(sh.fill);
      const w = doc.widthOfString(sh.text);
      const left = sh.anchor === 'start' ? sh.x : sh.anchor === 'middle' ? sh.x - w / 2 : sh.x - w;
      doc.text(sh.text, left, sh.y, { lineBreak: false, baseline: 'alphabetic' });
    }
  }
  doc.restore();
  return chart.height * s;
}

function cellText(v: string | number): string {
  const s = String(v);
  return s.length > MAX_CELL ? `${s.slice(0, MAX_CELL - 1)}…` : s;
}

/** A table with a repeated header row on each page it spans. Returns the y below it. */
function drawTable(doc: Doc, fonts: Fonts, t: Table, x: number, y: number, width: number, size = 8): number {
  const bottom = doc.page.height - MARGIN - 20;
  const total = t.columns.reduce((a, c) => a + c.width, 0);
  const widths = t.columns.map((c) => (width * c.width) / total);
  const pad = 3;
  const rowHeight = (cells: string[], font: string): number => {
    doc.font(font).fontSize(size);
    return Math.max(...cells.map((c, i) => doc.heightOfString(c, { width: widths[i] - 2 * pad }))) + 2 * pad;
  };
  const drawRow = (cells: string[], font: string, top: number, bg?: string): number => {
    const h = rowHeight(cells, font);
    if (bg) doc.rect(x, top, width, h).fill(bg);
    doc.font(font).fontSize(size).fillColor(INK);
    let cx = x;
    cells.forEach((c, i) => {
      const numeric = t.columns[i].numeric;
      doc.text(c, cx + pad, top + pad, { width: widths[i] - 2 * pad, align: numeric ? 'right' : 'left' });
      cx += widths[i];
    });
    doc.moveTo(x, top + h).lineTo(x + width, top + h).lineWidth(0.5).strokeColor(RULE).stroke();
    return top + h;
  };
  const header = t.columns.map((c) => c.header);
  doc.font(fonts.bold).fontSize(11);
  if (y + 16 + rowHeight(header, fonts.bold) * 2 > bottom) {
    doc.addPage();
    y = MARGIN;
  }
  doc.fillColor(INK).text(t.title, x, y, { lineBreak: false });
  y += 16;
  y = drawRow(header, fonts.bold, y, HEAD_BG);
  for (const row of t.rows) {
    const cells = row.map(cellText);
    if (y + rowHeight(cells, fonts.body) > bottom) {
      doc.addPage();
      y = drawRow(header, fonts.bold, MARGIN, HEAD_BG);
    }
    y = drawRow(cells, fonts.body, y);
  }
  if (t.note) {
    doc.font(fonts.body).fontSize(8).fillColor(MUTED).text(t.note, x, y + 3, { width });
    y = doc.y;
  }
  return y + 14;
}

let lib: Promise<typeof PDFDocumentCtor> | undefined;

async function render(model: ReportData): Promise<Buffer> {
  const d = printable(model);
  // Loaded on first use, like the other formats' libraries.
  const PDFDocument = await (lib ??= import('pdfkit').then((m) => m.default));
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    info: { Title: `${d.title} — ${d.tenant.name}`, Author: 'Bulwark', Subject: d.scopeDescription, CreationDate: new Date(d.generatedAt) },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  const fonts = useFonts(doc);
  const width = doc.page.width - 2 * MARGIN;
  const x = MARGIN;

  doc.font(fonts.bold).fontSize(20).fillColor(INK).text(d.title, x, MARGIN, { width });
  doc.moveDown(0.3);
  for (const [k, v] of headerLines(d)) {
    doc.font(fonts.bold).fontSize(10).fillColor(INK).text(`${k}: `, { continued: true, width });
    doc.font(fonts.body).text(v);
  }
  let y = doc.y + 12;

  // The charts two by two, then the summary table alone on its lines (text extraction reads "Open critical 3").
  const charts = reportCharts(d);
  const chartW = (width - 20) / 2;
  for (let i = 0; i < charts.length; i += 2) {
    const h = (charts[i].height * chartW) / charts[i].width;
    drawChart(doc, fonts, charts[i], x, y, chartW);
    if (charts[i + 1]) drawChart(doc, fonts, charts[i + 1], x + chartW + 20, y, chartW);
    y += h + 10;
  }
  const summary: Table = {
    title: 'Summary',
    columns: [
      { header: 'Measure', width: 3 },
      { header: 'Count', width: 1, numeric: true },
    ],
    rows: summaryRows(d),
  };
  y = drawTable(doc, fonts, summary, x, y, 260, 8);

  for (const t of reportTables(d)) y = drawTable(doc, fonts, t, x, y, width);

  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const footer = `Bulwark · ${d.tenant.name} · ${formatInstant(d.generatedAt)} · page ${i + 1} of ${range.count}`;
    // Writing below the bottom margin would add a page: lift the margin while the footer is drawn.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font(fonts.body).fontSize(7).fillColor(MUTED).text(footer, x, doc.page.height - MARGIN + 10, { width, align: 'center', lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  await done;
  return Buffer.concat(chunks);
}

export const pdf: ReportFormat = { id: 'pdf', contentType: 'application/pdf', extension: 'pdf', render };
