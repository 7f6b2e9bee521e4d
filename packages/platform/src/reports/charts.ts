// Summary charts built by code as a few primitives (rectangles, paths, text). One drawing feeds both outputs: SVG
// (rasterized to PNG by resvg for XLSX and DOCX) and vectors drawn straight into the PDF (pdf/pdf.ts).
import type * as ResvgModule from '@resvg/resvg-js';
import type { Severity } from '@bulwark/core';
import { FINDING_STATUSES, type FindingStatus } from '../storage/types.js';
import { SEVERITY_ORDER } from './data.js';
import { reportFonts } from './fonts.js';
import type { ControlState, ReportData } from './types.js';

export type Shape =
  | { kind: 'rect'; x: number; y: number; w: number; h: number; fill: string }
  | { kind: 'path'; d: string; fill: string }
  /** `y` is the baseline. */
  | { kind: 'text'; x: number; y: number; text: string; size: number; fill: string; anchor: 'start' | 'middle' | 'end'; bold?: boolean };

export interface Chart {
  id: string;
  title: string;
  width: number;
  height: number;
  shapes: Shape[];
}

export const SEVERITY_COLORS: Record<Severity, string> = {
  critical: '#991b1b',
  high: '#dc2626',
  medium: '#ea580c',
  low: '#ca8a04',
  negligible: '#2563eb',
  unknown: '#6b7280',
};

export const STATUS_COLORS: Record<FindingStatus, string> = {
  open: '#dc2626',
  fixed: '#16a34a',
  suppressed: '#6b7280',
  'risk-accepted': '#7c3aed',
};

const CONTROL_COLORS: Record<ControlState, string> = { pass: '#16a34a', fail: '#dc2626', 'not-evaluated': '#9ca3af' };

const INK = '#111827';
const MUTED = '#6b7280';
const W = 440;
const H = 210;

function label(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1).replace('-', ' ');
}

/** Horizontal bars of open findings per severity. */
export function severityChart(data: ReportData): Chart {
  const counts = SEVERITY_ORDER.map((s) => [s, data.summary.open.bySeverity[s]] as const);
  const max = Math.max(1, ...counts.map(([, n]) => n));
  const shapes: Shape[] = [{ kind: 'text', x: 0, y: 16, text: 'Open findings by severity', size: 13, fill: INK, anchor: 'start', bold: true }];
  const left = 90;
  const barMax = W - left - 60;
  counts.forEach(([s, n], i) => {
    const y = 34 + i * 28;
    shapes.push({ kind: 'text', x: left - 8, y: y + 15, text: label(s), size: 11, fill: INK, anchor: 'end' });
    shapes.push({ kind: 'rect', x: left, y: y + 2, w: W - left - 60, h: 18, fill: '#f3f4f6' });
    if (n > 0) shapes.push({ kind: 'rect', x: left, y: y + 2, w: Math.max(2, (barMax * n) / max), h: 18, fill: SEVERITY_COLORS[s] });
    shapes.push({ kind: 'text', x: W - 52, y: y + 15, text: String(n), size: 11, fill: INK, anchor: 'start' });
  });
  return { id: 'severity', title: 'Open findings by severity', width: W, height: H, shapes };
}

function round(n: number): string {
  return (Math.round(n * 100) / 100).toString();
}

/** One ring slice from angle a0 to a1 (radians, clockwise from 12 o'clock). */
function slice(cx: number, cy: number, r: number, inner: number, a0: number, a1: number): string {
  const pt = (rad: number, a: number): string => `${round(cx + rad * Math.sin(a))} ${round(cy - rad * Math.cos(a))}`;
  const large = a1 - a0 > Math.PI ? 1 : 0;
  return `M ${pt(r, a0)} A ${r} ${r} 0 ${large} 1 ${pt(r, a1)} L ${pt(inner, a1)} A ${inner} ${inner} 0 ${large} 0 ${pt(inner, a0)} Z`;
}

function donut(id: string, title: string, parts: Array<{ name: string; value: number; color: string }>): Chart {
  const total = parts.reduce((a, p) => a + p.value, 0);
  const shapes: Shape[] = [{ kind: 'text', x: 0, y: 16, text: title, size: 13, fill: INK, anchor: 'start', bold: true }];
  const cx = 100;
  const cy = 118;
  const r = 78;
  const inner = 46;
  if (total === 0) {
    shapes.push({ kind: 'path', d: `${slice(cx, cy, r, inner, 0, Math.PI)} ${slice(cx, cy, r, inner, Math.PI, 2 * Math.PI)}`, fill: '#e5e7eb' });
  } else {
    let a = 0;
    for (const p of parts) {
      if (p.value === 0) continue;
      const span = (2 * Math.PI * p.value) / total;
      // A whole ring is two half arcs: an arc from a point to itself draws nothing.
      const d = span >= 2 * Math.PI - 1e-9 ? `${slice(cx, cy, r, inner, 0, Math.PI)} ${slice(cx, cy, r, inner, Math.PI, 2 * Math.PI)}` : slice(cx, cy, r, inner, a, a + span);
      shapes.push({ kind: 'path', d, fill: p.color });
      a += span;
    }
  }
  shapes.push({ kind: 'text', x: cx, y: cy + 7, text: String(total), size: 18, fill: INK, anchor: 'middle', bold: true });
  parts.forEach((p, i) => {
    const y = 52 + i * 26;
    shapes.push({ kind: 'rect', x: 215, y, w: 14, h: 14, fill: p.color });
    shapes.push({ kind: 'text', x: 237, y: y + 12, text: label(p.name), size: 11, fill: INK, anchor: 'start' });
    shapes.push({ kind: 'text', x: W - 10, y: y + 12, text: String(p.value), size: 11, fill: MUTED, anchor: 'end' });
  });
  return { id, title, width: W, height: H, shapes };
}

/** Donut of every finding in scope by status. */
export function statusChart(data: ReportData): Chart {
  return donut(
    'status',
    'Findings by status',
    FINDING_STATUSES.map((s) => ({ name: s, value: data.summary.byStatus[s], color: STATUS_COLORS[s] })),
  );
}

/** Donut of the framework's controls by result. */
export function controlChart(data: ReportData): Chart | undefined {
  const c = data.compliance;
  if (!c) return undefined;
  return donut('controls', 'Controls by result', [
    { name: 'pass', value: c.summary.pass, color: CONTROL_COLORS.pass },
    { name: 'fail', value: c.summary.fail, color: CONTROL_COLORS.fail },
    { name: 'not-evaluated', value: c.summary.notEvaluated, color: CONTROL_COLORS['not-evaluated'] },
  ]);
}

/** The charts of a report, in the order they are shown. */
export function reportCharts(data: ReportData): Chart[] {
  return [severityChart(data), statusChart(data), controlChart(data)].filter((c): c is Chart => c !== undefined);
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function chartSvg(chart: Chart): string {
  const family = esc(reportFonts().family);
  const body = chart.shapes
    .map((s) => {
      switch (s.kind) {
        case 'rect':
          return `<rect x="${round(s.x)}" y="${round(s.y)}" width="${round(s.w)}" height="${round(s.h)}" fill="${s.fill}"/>`;
        case 'path':
          return `<path d="${s.d}" fill="${s.fill}" fill-rule="nonzero"/>`;
        case 'text':
          return `<text x="${round(s.x)}" y="${round(s.y)}" font-size="${s.size}" fill="${s.fill}" text-anchor="${s.anchor}"${s.bold ? ' font-weight="bold"' : ''}>${esc(s.text)}</text>`;
      }
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${chart.width}" height="${chart.height}" viewBox="0 0 ${chart.width} ${chart.height}" font-family="${family}"><rect width="100%" height="100%" fill="#ffffff"/>${body}</svg>`;
}

let resvg: Promise<typeof ResvgModule> | undefined;

/** PNG of a chart at `scale` × its size (2 = crisp when shown at its nominal size). The renderer loads on first use. */
export async function chartPng(chart: Chart, scale = 2): Promise<Buffer> {
  const { Resvg } = await (resvg ??= import('@resvg/resvg-js'));
  const f = reportFonts();
  const files = [f.regular, f.bold].filter((x): x is string => x !== undefined);
  const r = new Resvg(chartSvg(chart), {
    fitTo: { mode: 'zoom', value: scale },
    font: files.length > 0 ? { fontFiles: [...new Set(files)], loadSystemFonts: false } : { loadSystemFonts: true },
  });
  return r.render().asPng();
}
