// Frameworks → controls → failing evidence, folded from open config findings (payload.frameworks).

export interface EvidenceFinding {
  id: number;
  ruleId: string;
  title: string;
  severity: string;
  payload: Record<string, unknown>;
}

export interface ControlRow {
  control: string;
  findings: EvidenceFinding[];
  resources: string[];
}

export interface FrameworkRow {
  framework: string;
  controls: ControlRow[];
  findings: number;
}

/** Natural order for control ids like 5.2.10 after 5.2.2. */
function cmp(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

export function foldCompliance(findings: EvidenceFinding[]): FrameworkRow[] {
  const fw = new Map<string, Map<string, EvidenceFinding[]>>();
  for (const f of findings) {
    const maps = (f.payload.frameworks as { framework?: string; control?: string }[] | undefined) ?? [];
    for (const m of maps) {
      if (!m.framework || !m.control) continue;
      const controls = fw.get(m.framework) ?? new Map<string, EvidenceFinding[]>();
      fw.set(m.framework, controls);
      controls.set(m.control, [...(controls.get(m.control) ?? []), f]);
    }
  }
  return [...fw.entries()]
    .map(([framework, controls]) => ({
      framework,
      findings: new Set([...controls.values()].flat().map((f) => f.id)).size,
      controls: [...controls.entries()]
        .map(([control, list]) => ({
          control,
          findings: list,
          resources: [...new Set(list.map((f) => String(f.payload.resource ?? f.payload.file ?? '—')))].sort(),
        }))
        .sort((a, b) => cmp(a.control, b.control)),
    }))
    .sort((a, b) => a.framework.localeCompare(b.framework));
}
