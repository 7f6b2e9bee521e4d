import { listFiles } from '../archive.js';
import { locateOsv, readOsvFiles } from '../osv/osv.js';
import type { Source } from '../types.js';

/**
 * Canonical's OSV export: `osv/Ubuntu/all.zip` (osv.dev bucket) or a checkout of
 * canonical/ubuntu-security-notices under `ubuntu/osv/` (`cve/*.json`, `usn/*.json`).
 */
export const ubuntuOsv: Source = {
  id: 'ubuntu-osv',
  version: 1,
  async locate(dir) {
    const bucket = await locateOsv(dir, (eco) => eco === 'Ubuntu');
    const checkout = await listFiles(dir, 'ubuntu/osv', (rel) => rel.endsWith('.json'));
    return [...bucket, ...checkout].sort();
  },
  read: (dir, files, ctx) => readOsvFiles(dir, files, ctx, () => 'ubuntu-osv'),
};
