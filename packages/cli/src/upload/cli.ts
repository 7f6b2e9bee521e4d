// The `--upload <url> --token <t>` options of the scan commands, and sending a converted scan with what the user
// sees on stderr (the report itself stays on stdout or -o).
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError, describeError } from '@bulwark/core';
import { CliExit } from '../exit.js';
import { checkToken, scansEndpoint, uploadScan } from './client.js';
import type { UploadBody } from './types.js';
import { sbomSubject, type SbomSubject } from './vulns.js';

/**
 * Exit code when the scan ran and its report was written but the upload failed (after the retries), beside the CLI's
 * 0 ok, 1 findings gate / internal error, 2 bad input or usage, 3 remote failure. It wins over a `--exit-code` gate:
 * CI must learn that the platform did not get the scan.
 */
export const EXIT_UPLOAD_FAILED = 4;

export interface UploadCliOptions {
  upload?: string;
  token?: string;
}

export interface UploadTarget {
  url: string;
  token: string;
}

export function addUploadOptions(cmd: Command): Command {
  return cmd
    .option('--upload <url>', 'also send the findings and assets to a Bulwark server (its base URL); the report is still written as usual')
    .option('--token <token>', 'API token for --upload (default $BULWARK_TOKEN, which keeps it out of process listings)');
}

/** Checks `--upload` and the token before the scan runs, so a typo fails at once; undefined without `--upload`. */
export function uploadTarget(opts: UploadCliOptions, env: NodeJS.ProcessEnv = process.env): UploadTarget | undefined {
  if (opts.upload === undefined) {
    if (opts.token !== undefined) throw new ConfigError('--token', 'is only used with --upload <url>');
    return undefined;
  }
  scansEndpoint(opts.upload);
  return { url: opts.upload, token: checkToken(opts.token ?? env.BULWARK_TOKEN) };
}

/** What an SBOM file says it describes; undefined when unreadable or silent (the upload then names the file). */
export function readSbomSubject(path: string): SbomSubject | undefined {
  try {
    return sbomSubject(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    return undefined;
  }
}

/**
 * Sends the scan and prints one line about it on stderr; on failure prints the reason and ends the command with
 * `EXIT_UPLOAD_FAILED`. `note` is appended to the success line.
 */
export async function sendUpload(target: UploadTarget, body: UploadBody, note?: string): Promise<void> {
  const origin = new URL(scansEndpoint(target.url)).origin;
  try {
    const r = await uploadScan(target.url, target.token, body, {
      onRetry: (attempt, reason, delay) => process.stderr.write(`bulwark: warning: upload attempt ${attempt} failed (${reason}); retrying in ${(delay / 1000).toFixed(1)} s\n`),
    });
    const what = r.queued
      ? `queued scan ${r.scanId} at ${origin} (${body.findings.length} findings)`
      : r.duplicate
        ? `scan ${r.scanId} was already uploaded to ${origin}; nothing changed`
        : `uploaded scan ${r.scanId} to ${origin}: ${r.counts?.findings ?? body.findings.length} findings (${r.counts?.new ?? 0} new, ${r.counts?.reopened ?? 0} reopened, ${r.counts?.fixed ?? 0} fixed)`;
    process.stderr.write(`bulwark: ${what}${note ? `; ${note}` : ''}\n`);
  } catch (e) {
    process.stderr.write(`bulwark: error: upload failed: ${describeError(e)}\n`);
    throw new CliExit(EXIT_UPLOAD_FAILED);
  }
}
