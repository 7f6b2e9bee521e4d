import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseManifests } from './parse.js';
import { buildModel } from './model.js';
import { connectivity, formatConnList, probeMatrix } from './connlist.js';
import type { Protocol } from './conn-set.js';

/**
 * Scores the NetworkPolicy corpus (shared/corpus/netpol): netpol-analyzer connlist cases must give exactly the allowed
 * connections upstream lists (and, where stored, the same text output); cyclonus truth tables every cell.
 */
interface Expected {
  kind: 'netpol-connectivity' | 'netpol-truth-table';
  inputs: string[];
  expect: {
    allowed?: { src: string; dst: string; conn: string }[];
    matrices?: { probe: { Protocol: Protocol; Port: number }; from_to: Record<string, Record<string, string>> }[];
  };
}

function loadObjects(dir: string, inputs: string[]): unknown[] {
  const objs: unknown[] = [];
  for (const f of inputs) {
    const text = readFileSync(join(dir, f), 'utf8');
    if (f.endsWith('probe.json')) {
      objs.push(...cyclonusResources(JSON.parse(text)));
      continue;
    }
    const r = parseManifests(text, f);
    if (!r.ok) throw r.error;
    objs.push(...r.value);
  }
  return objs;
}

interface CyclonusProbe {
  Resources: {
    Namespaces: Record<string, Record<string, string>>;
    Pods: { Namespace: string; Name: string; Labels: Record<string, string>; IP: string; Containers: { Name: string; Port: number; PortName: string; Protocol: string }[] }[];
  };
}

/** cyclonus' probe.json resources as the Namespace and Pod objects they stand for. */
function cyclonusResources(p: CyclonusProbe): unknown[] {
  const out: unknown[] = [];
  for (const [name, labels] of Object.entries(p.Resources.Namespaces)) out.push({ kind: 'Namespace', metadata: { name, labels } });
  for (const pod of p.Resources.Pods) {
    out.push({
      kind: 'Pod',
      metadata: { name: pod.Name, namespace: pod.Namespace, labels: pod.Labels },
      spec: { containers: pod.Containers.map((c) => ({ name: c.Name, ports: [{ name: c.PortName, containerPort: c.Port, protocol: c.Protocol.toUpperCase() }] })) },
      status: { podIP: pod.IP },
    });
  }
  return out;
}

const line = (e: { src: string; dst: string; conn: string }): string => `${e.src} => ${e.dst} : ${e.conn}`;

export interface NetpolCaseResult {
  name: string;
  ok: boolean;
  detail: string;
  missing: string[];
  extra: string[];
  wrongCells: number;
  /** netpol-analyzer's own text output, when stored, and whether ours equals it. */
  textMatches?: boolean;
}

export function scoreNetpolCase(dir: string, name: string): NetpolCaseResult {
  const e = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;
  const objs = loadObjects(dir, e.inputs);
  if (e.kind === 'netpol-truth-table') {
    const m = buildModel(objs);
    let wrong = 0;
    for (const mat of e.expect.matrices ?? []) {
      // cyclonus with podIpsMatchIpBlocks: its simulator matches ipBlocks against pod IPs.
      const got = probeMatrix(m, mat.probe.Protocol, mat.probe.Port, { podIpsMatchIpBlocks: true });
      for (const [s, row] of Object.entries(mat.from_to)) {
        for (const [d, v] of Object.entries(row)) {
          // The corpus records cyclonus' "N" (no server on that port) as allow.
          const g = got[s]?.[d] === 'unserved' ? 'allow' : got[s]?.[d];
          if (g !== v) wrong++;
        }
      }
    }
    return { name, ok: wrong === 0, detail: `${wrong} wrong cells`, missing: [], extra: [], wrongCells: wrong };
  }
  const conns = connectivity(objs);
  const got = conns.entries.map(line);
  const expected = (e.expect.allowed ?? []).map(line);
  const gs = new Set(got);
  const es = new Set(expected);
  const missing = expected.filter((x) => !gs.has(x));
  const extra = got.filter((x) => !es.has(x));
  const upstream = join(dir, 'upstream_connlist.txt');
  const textMatches = existsSync(upstream) ? formatConnList(conns) === readFileSync(upstream, 'utf8').trimEnd() : undefined;
  const ok = missing.length === 0 && extra.length === 0 && got.length === gs.size && textMatches !== false;
  return { name, ok, detail: `${got.length} lines, ${missing.length} missing, ${extra.length} extra${textMatches === false ? ', text output differs' : ''}`, missing, extra, wrongCells: 0, ...(textMatches !== undefined ? { textMatches } : {}) };
}

export function scoreNetpolCorpus(casesDir: string): NetpolCaseResult[] {
  return readdirSync(casesDir)
    .sort()
    .filter((n) => existsSync(join(casesDir, n, 'expected.json')))
    .map((n) => scoreNetpolCase(join(casesDir, n), n));
}
