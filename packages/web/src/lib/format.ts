// Locale-aware dates, numbers and sizes (Intl; the console's language picks the locale).

export type Lang = 'en' | 'zh-CN';
export const LANGS: readonly Lang[] = ['en', 'zh-CN'];

// Building an Intl formatter costs ~100× formatting with one (locale data lookup); a table page formats hundreds of cells.
const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();
function dateFormat(lang: Lang, withTime: boolean): Intl.DateTimeFormat {
  const key = `d|${lang}|${withTime}`;
  let f = formatters.get(key) as Intl.DateTimeFormat | undefined;
  if (!f) formatters.set(key, (f = new Intl.DateTimeFormat(lang, withTime ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'medium' })));
  return f;
}
function numberFormat(lang: Lang, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `n|${lang}|${options.style ?? ''}|${options.maximumFractionDigits ?? ''}`;
  let f = formatters.get(key) as Intl.NumberFormat | undefined;
  if (!f) formatters.set(key, (f = new Intl.NumberFormat(lang, options)));
  return f;
}

export function formatDate(iso: string | null | undefined, lang: Lang, withTime = true): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return dateFormat(lang, withTime).format(d);
}

export function formatNumber(n: number | null | undefined, lang: Lang, maxFraction = 1): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return numberFormat(lang, { maximumFractionDigits: maxFraction }).format(n);
}

export function formatPercent(n: number | null | undefined, lang: Lang): string {
  if (n === null || n === undefined) return '—';
  return numberFormat(lang, { style: 'percent', maximumFractionDigits: 1 }).format(n);
}

export function formatBytes(n: number | null | undefined, lang: Lang): string {
  if (n === null || n === undefined) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${numberFormat(lang, { maximumFractionDigits: i === 0 ? 0 : 1 }).format(v)} ${units[i]}`;
}

/** Risk posture 0–100 (100 = no open risk) from open counts by severity, weighted; KEV weighs extra. */
export function postureScore(bySeverity: Partial<Record<string, number>>, kev: number): number {
  const w: Record<string, number> = { critical: 10, high: 5, medium: 2, low: 0.5, negligible: 0, unknown: 0.5 };
  let penalty = kev * 15;
  for (const [s, n] of Object.entries(bySeverity)) penalty += (w[s] ?? 0) * (n ?? 0);
  return Math.round(100 * Math.exp(-penalty / 400));
}
