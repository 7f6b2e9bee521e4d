import { readFileSync } from 'node:fs';
import { InputError, unwrap } from '@bulwark/core';
import type { ScanReport } from '@bulwark/core';
import { applyIgnoreRules, applyVex, parseIgnoreFile, parseOpenVex } from '@bulwark/scanner';
import type { VexDocument } from '@bulwark/scanner';

function readInput(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new InputError({ file, message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
  }
}

/** Reads the ignore file and VEX documents named on the command line and marks the findings they cover. */
export function applySuppressionFiles(report: ScanReport, opts: { ignoreFile?: string; vexFiles: string[]; now: Date }): void {
  if (opts.ignoreFile) {
    const rules = unwrap(parseIgnoreFile(readInput(opts.ignoreFile), opts.ignoreFile));
    const r = applyIgnoreRules(report.vulnerabilities, rules, { now: opts.now, source: opts.ignoreFile });
    report.vulnerabilities = r.findings;
    report.status.warnings.push(...r.warnings);
  }
  if (opts.vexFiles.length > 0) {
    const docs: VexDocument[] = opts.vexFiles.map((f) => unwrap(parseOpenVex(readInput(f), f)));
    const image = report.target.image;
    const targetIds = [report.target.name, ...(image?.repoTags ?? []), ...(image?.id ? [image.id] : []), ...(image?.manifestDigest ? [image.manifestDigest] : [])];
    report.vulnerabilities = applyVex(report.vulnerabilities, docs, { targetIds, source: opts.vexFiles.join(',') });
  }
}
