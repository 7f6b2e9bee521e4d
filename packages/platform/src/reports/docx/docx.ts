import type * as Docx from 'docx';
import { chartPng, reportCharts } from '../charts.js';
import type { ReportFormat } from '../format.js';
import { formatInstant, headerLines, printable, reportTables, summaryRows, type Table } from '../layout.js';
import type { ReportData } from '../types.js';

/** A4 portrait with 0.6" margins: 11906 − 2 × 864 twips of text width. */
const TEXT_WIDTH = 11906 - 2 * 864;
const HEAD_FILL = 'F3F4F6';
const MAX_CELL = 2000;

function cellParagraph(D: typeof Docx, text: string, opts: { bold?: boolean; right?: boolean; size?: number }): Docx.Paragraph {
  return new D.Paragraph({
    alignment: opts.right ? D.AlignmentType.RIGHT : D.AlignmentType.LEFT,
    children: [new D.TextRun({ text, bold: opts.bold, size: opts.size ?? 16 })],
  });
}

function table(D: typeof Docx, t: Table, size?: number, width = TEXT_WIDTH): Docx.Table {
  const total = t.columns.reduce((a, c) => a + c.width, 0);
  const widths = t.columns.map((c) => Math.floor((width * c.width) / total));
  const row = (cells: Array<string | number>, header: boolean): Docx.TableRow =>
    new D.TableRow({
      tableHeader: header,
      cantSplit: true,
      children: cells.map((c, i) => {
        const s = String(c);
        return new D.TableCell({
          width: { size: widths[i], type: D.WidthType.DXA },
          shading: header ? { type: D.ShadingType.CLEAR, color: 'auto', fill: HEAD_FILL } : undefined,
          children: [cellParagraph(D, s.length > MAX_CELL ? `${s.slice(0, MAX_CELL - 1)}…` : s, { bold: header, right: !header && t.columns[i].numeric, size })],
        });
      }),
    });
  return new D.Table({
    width: { size: width, type: D.WidthType.DXA },
    columnWidths: widths,
    rows: [row(t.columns.map((c) => c.header), true), ...t.rows.map((r) => row(r, false))],
  });
}

let lib: Promise<typeof Docx> | undefined;

async function render(model: ReportData): Promise<Buffer> {
  const d = printable(model);
  // Loaded on first use, like the other formats' libraries.
  const D = await (lib ??= import('docx'));
  const { AlignmentType, Document, Footer, HeadingLevel, ImageRun, Packer, PageNumber, Paragraph, TextRun } = D;
  const children: Array<Docx.Paragraph | Docx.Table> = [new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(d.title)] })];
  for (const [k, v] of headerLines(d)) children.push(new Paragraph({ children: [new TextRun({ text: `${k}: `, bold: true }), new TextRun(v)] }));

  children.push(new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun('Summary')] }));
  children.push(
    table(
      D,
      {
        title: 'Summary',
        columns: [
          { header: 'Measure', width: 3 },
          { header: 'Count', width: 1, numeric: true },
        ],
        rows: summaryRows(d),
      },
      20,
      Math.floor(TEXT_WIDTH / 2),
    ),
  );
  for (const c of reportCharts(d)) {
    children.push(new Paragraph({ children: [new ImageRun({ type: 'png', data: await chartPng(c), transformation: { width: c.width, height: c.height }, altText: { name: c.id, title: c.title, description: c.title } })] }));
  }
  for (const t of reportTables(d)) {
    children.push(new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun(t.title)] }));
    children.push(table(D, t));
    if (t.note) children.push(new Paragraph({ children: [new TextRun({ text: t.note, italics: true, color: '6B7280', size: 16 })] }));
  }

  const doc = new Document({
    creator: 'Bulwark',
    title: `${d.title} — ${d.tenant.name}`,
    description: d.scopeDescription,
    // East Asian text falls back to a CJK font the reader has (Chinese tenant names, MLPS titles).
    styles: { default: { document: { run: { font: { ascii: 'Calibri', hAnsi: 'Calibri', eastAsia: 'Microsoft YaHei' }, size: 20 } } } },
    sections: [
      {
        properties: { page: { size: { width: 11906, height: 16838 }, margin: { top: 864, bottom: 864, left: 864, right: 864 } } },
        footers: {
          default: new Footer({
            children: [
              new Paragraph({
                alignment: AlignmentType.CENTER,
                children: [new TextRun({ size: 14, color: '6B7280', children: [`Bulwark · ${d.tenant.name} · ${formatInstant(d.generatedAt)} · page `, PageNumber.CURRENT, ' of ', PageNumber.TOTAL_PAGES] })],
              }),
            ],
          }),
        },
        children,
      },
    ],
  });
  return Packer.toBuffer(doc);
}

export const docx: ReportFormat = {
  id: 'docx',
  contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  extension: 'docx',
  render,
};
