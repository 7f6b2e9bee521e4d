import { useMemo } from 'react';
import { useNavigate } from 'react-router';
import { Background, Controls, MarkerType, ReactFlow, type Edge, type Node } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useTranslation } from 'react-i18next';
import type { Asset, Relations } from '../lib/api.js';

/** Columns left to right: package → image → workload → node → cluster (the API's relation direction "up"). */
const RANK: Record<string, number> = { package: 0, repository: 0, image: 1, workload: 2, namespace: 3, node: 3, cluster: 4, 'cloud-resource': 5 };
const COLORS: Record<string, string> = { package: '#e6f4ff', image: '#fff7e6', workload: '#f6ffed', node: '#f9f0ff', namespace: '#f0f5ff', cluster: '#fff0f6', repository: '#e6fffb', 'cloud-resource': '#fcffe6' };
const ROWS = 12;
const MAX_PER_RANK = 48;
const COL_W = 230;
const RANK_GAP = 90;
const ROW_H = 52;

/** Pure layout: one band per kind (left to right by rank), each wrapped into columns of ROWS nodes; past MAX_PER_RANK the rest are summarised in one node. */
export function layout(g: Relations, moreLabel: (n: number) => string): { nodes: Node[]; edges: Edge[] } {
  const cols = new Map<number, Asset[]>();
  for (const a of g.assets) {
    const r = RANK[a.kind] ?? 5;
    cols.set(r, [...(cols.get(r) ?? []), a]);
  }
  const nodes: Node[] = [];
  const shown = new Set<number>();
  let x = 0;
  for (const rank of [...cols.keys()].sort((a, b) => a - b)) {
    const list = cols.get(rank) ?? [];
    list.sort((a, b) => (a.id === g.asset.id ? -1 : b.id === g.asset.id ? 1 : a.name.localeCompare(b.name)));
    const visible = list.slice(0, MAX_PER_RANK);
    const height = Math.min(visible.length, ROWS);
    visible.forEach((a, i) => {
      shown.add(a.id);
      nodes.push({
        id: String(a.id),
        position: { x: x + Math.floor(i / ROWS) * COL_W, y: (i % ROWS) * ROW_H + ((ROWS - height) * ROW_H) / 2 },
        data: { label: `${a.kind}: ${a.name}` },
        style: { background: COLORS[a.kind] ?? '#fff', border: a.id === g.asset.id ? '2px solid #1f5fbf' : '1px solid #d9d9d9', fontSize: 11, width: COL_W - 20, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
        sourcePosition: 'right' as Node['sourcePosition'],
        targetPosition: 'left' as Node['targetPosition'],
      });
    });
    const subCols = Math.max(1, Math.ceil(visible.length / ROWS));
    if (list.length > MAX_PER_RANK) {
      nodes.push({ id: `more-${rank}`, position: { x, y: ROWS * ROW_H }, data: { label: moreLabel(list.length - MAX_PER_RANK) }, style: { fontSize: 11, width: COL_W - 20, fontStyle: 'italic' }, selectable: false });
    }
    x += subCols * COL_W + RANK_GAP;
  }
  const rels = g.relations.filter((r) => shown.has(r.fromId) && shown.has(r.toId));
  const byId = new Map(g.assets.map((a) => [a.id, a]));
  const edges: Edge[] = rels.map((r) => {
    const from = byId.get(r.fromId);
    const to = byId.get(r.toId);
    // draw lower rank → higher rank so arrows run package → … → cluster
    const flip = from && to && (RANK[from.kind] ?? 5) > (RANK[to.kind] ?? 5);
    const [s, d] = flip ? [r.toId, r.fromId] : [r.fromId, r.toId];
    return { id: `${r.fromId}-${r.toId}-${r.kind}`, source: String(s), target: String(d), markerEnd: { type: MarkerType.ArrowClosed }, ...(rels.length <= 15 ? { label: r.kind, labelStyle: { fontSize: 9 } } : {}) };
  });
  return { nodes, edges };
}

export function RelationGraph({ graph, height = 480 }: { graph: Relations; height?: number }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { nodes, edges } = useMemo(() => layout(graph, (n) => t('assets.more', { count: n })), [graph, t]);
  return (
    <div style={{ height, border: '1px solid #f0f0f0', borderRadius: 4 }} aria-label={t('assets.graph')} role="figure" data-testid="relation-graph">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        fitView
        nodesDraggable={false}
        nodesConnectable={false}
        proOptions={{ hideAttribution: true }}
        onNodeClick={(_e, n) => {
          if (/^\d+$/.test(n.id) && Number(n.id) !== graph.asset.id) navigate(`/assets/${n.id}`);
        }}
        minZoom={0.2}
      >
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
