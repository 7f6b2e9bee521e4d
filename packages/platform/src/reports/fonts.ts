// Fonts for PDF text and chart rasterizing. Noto Sans Hans (Simplified Chinese plus Latin, OFL-1.1) from the npm
// package @embedpdf/fonts-sc renders Chinese tenant names and MLPS 2.0 titles; BULWARK_REPORT_FONT and
// BULWARK_REPORT_FONT_BOLD (TTF/OTF paths) replace it. Without any, PDFs fall back to Helvetica (Latin only) and
// charts to the system's fonts.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface ReportFonts {
  /** TTF/OTF files; undefined when no CJK-capable font was found. */
  regular?: string;
  bold?: string;
  /** Family name for SVG text (resvg matches it against the loaded files). */
  family: string;
}

let cached: ReportFonts | undefined;

function packaged(): { regular: string; bold: string } | undefined {
  try {
    // The package exports only its JS entry; the fonts sit in ../fonts beside dist/.
    const entry = createRequire(import.meta.url).resolve('@embedpdf/fonts-sc');
    const dir = join(dirname(entry), '..', 'fonts');
    const regular = join(dir, 'NotoSansHans-Regular.otf');
    const bold = join(dir, 'NotoSansHans-Bold.otf');
    return existsSync(regular) && existsSync(bold) ? { regular, bold } : undefined;
  } catch {
    return undefined;
  }
}

/** The fonts reports use, resolved once per process. */
export function reportFonts(): ReportFonts {
  if (cached) return cached;
  const envRegular = process.env.BULWARK_REPORT_FONT;
  if (envRegular && existsSync(envRegular)) {
    const envBold = process.env.BULWARK_REPORT_FONT_BOLD;
    cached = { regular: envRegular, bold: envBold && existsSync(envBold) ? envBold : envRegular, family: 'sans-serif' };
    return cached;
  }
  const p = packaged();
  cached = p ? { ...p, family: 'Noto Sans S Chinese' } : { family: 'DejaVu Sans, sans-serif' };
  return cached;
}
