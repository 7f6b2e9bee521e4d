// Writes the accuracy part of docs/benchmarks/posture.md: Bulwark's findings and Trivy's (stored peer.json of each
// corpus case) scored against ../shared/corpus expectations, per area and source. The corpus tests in
// packages/posture enforce the thresholds; this prints the same figures side by side.
// Run: node --import tsx scripts/e2e/posture-report.ts [--write]
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, sharedPath } from '@bulwark/core/testing';
import { areaRows, formatAreaTable, scoreMisconfigArea, scoreNetpolCorpus } from '@bulwark/posture';
import type { MisconfigArea } from '@bulwark/posture';

const TITLES: Record<MisconfigArea, string> = {
  k8s: 'Kubernetes manifests (`corpus/k8s`)',
  dockerfile: 'Dockerfiles (`corpus/dockerfile`)',
  iac: 'Terraform and CloudFormation, AWS (`corpus/iac`)',
};

const DOC = join(REPO_ROOT, 'docs/benchmarks/posture.md');
const BEGIN = '<!-- accuracy:begin (scripts/e2e/posture-report.ts) -->';
const END = '<!-- accuracy:end -->';

const out: string[] = [BEGIN, `Generated on ${new Date().toISOString().slice(0, 10)} by \`node --import tsx scripts/e2e/posture-report.ts --write\`.`, ''];
for (const area of ['k8s', 'dockerfile', 'iac'] as const) {
  const score = scoreMisconfigArea(area, sharedPath('corpus', area, 'cases'));
  out.push(`### ${TITLES[area]}: ${score.cases} cases`, '', formatAreaTable(areaRows(score)), '');
}
const np = scoreNetpolCorpus(sharedPath('corpus', 'netpol', 'cases'));
out.push(`### NetworkPolicy (\`corpus/netpol\`): ${np.length} cases`, '');
out.push(`Bulwark reproduces ${np.filter((c) => c.ok).length}/${np.length} cases exactly (every allowed connection of netpol-analyzer's connlist, every cell of cyclonus' truth tables). Trivy has no NetworkPolicy reachability analysis, so there is no peer column.`, '');
const failed = np.filter((c) => !c.ok);
if (failed.length) out.push(...failed.map((c) => `- ${c.name}: ${c.detail}`), '');
out.push(END);

const block = out.join('\n');
if (process.argv.includes('--write')) {
  const doc = readFileSync(DOC, 'utf8');
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  if (a < 0 || b < 0) throw new Error(`${DOC}: markers ${BEGIN} / ${END} not found`);
  writeFileSync(DOC, doc.slice(0, a) + block + doc.slice(b + END.length));
  process.stdout.write(`wrote ${DOC}\n`);
} else process.stdout.write(block + '\n');
