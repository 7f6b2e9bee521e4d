// Test helpers for the alerts module: scans and findings to ingest.
import type { FindingInput, ScanInput } from '../storage/types.js';

export function scan(id: string, target = 'reg/app:1', finishedAt = '2026-03-01T12:00:00Z'): ScanInput {
  return { id, target, kind: 'image', startedAt: new Date(Date.parse(finishedAt) - 60_000).toISOString(), finishedAt };
}

export function finding(i: number, over: Partial<FindingInput> = {}): FindingInput {
  return {
    type: 'vulnerability',
    ruleId: `CVE-2024-${1000 + i}`,
    title: `vulnerability ${i}`,
    severity: 'high',
    asset: { kind: 'image', key: 'reg/app@sha256:01' },
    locator: `pkg${i}@1.0.0`,
    ...over,
  };
}
