import { useMemo } from 'react';
import { useNavigate } from 'react-router';
import { Background, Controls, MarkerType, ReactFlow, type Edge, type Node } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useTranslation } from 'react-i18next';
import type { Asset, Relations } from '../lib/api.js';

/** Columns left to right: package → image → workload → node → cluster (the API's relation direction "up"). */
const RANK: Record<string, number> = { package: 0, repository: 0, image: 1, workload: 2, namespace: 3, node: 3, cluster: 4, 'cloud-resource': 5 };
const COLORS: Record<string, string> = { package: '#e6f4ff', image: '#fff7e6', workload: '#f6ffed', node: '#f9f0ff', namespace: '#f0f5ff', cluster: '#fff0f6', repository: '#e6fffb', 'cloud-resource': '#fcffe6' };
const PER_COLUMN = 25;

/** Pure layout: nodes in columns by kind, at most PER_COLUMN per column (the rest summarised in one node). */
export function layout(g: Relations, moreLabel: (n: number) => string): { nodes: Node[]; edges: Edge[] } {
  const cols = new Map<number, Asset[]>();
  for (const a of g.assets) {
    const r = RANK[a.kind] ?? 5;
    cols.set(r, [...(cols.get(r) ?? []), a]);
  }
  const nodes: Node[] = [];
  const shown = new Set<number>();
  for (const [rank, list] of cols) {
    list.sort((a, b) => (a.id === g.asset.id ? -1 : b.id === g.asset.id ? 1 : a.name.localeCompare(b.name)));
    list.slice(0, PER_COLUMN).forEach((a, i) => {
      shown.add(a.id);
      nodes.push({
        id: String(a.id),
        position: { x: rank * 260, y: i * 56 },
        data: { label: `${a.kind}: ${a.name}` },
        style: { background: COLORS[a.kind] ?? '#fff', border: a.id === g.asset.id ? '2px solid #1f5fbf' : '1px solid #d9d9d9', fontSize: 11, width: 210, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
        sourcePosition: 'right' as Node['sourcePosition'],
        targetPosition: 'left' as Node['targetPosition'],
      });
    });
    if (list.length > PER_COLUMN) {
      nodes.push({ id: `more-${rank}`, position: { x: rank * 260, y: PER_COLUMN * 56 }, data: { label: moreLabel(list.length - PER_COLUMN) }, style: { fontSize: 11, width: 210, fontStyle: 'italic' }, selectable: false });
    }
  }
  const edges: Edge[] = g.relations
    .filter((r) => shown.has(r.fromId) && shown.has(r.toId))
    .map((r) => {
      const from = g.assets.find((a) => a.id === r.fromId);
      const to = g.assets.find((a) => a.id === r.toId);
      // draw lower rank → higher rank so arrows run package → … → cluster
      const flip = from && to && (RANK[from.kind] ?? 5) > (RANK[to.kind] ?? 5);
      const [s, d] = flip ? [r.toId, r.fromId] : [r.fromId, r.toId];
      return { id: `${r.fromId}-${r.toId}-${r.kind}`, source: String(s), target: String(d), label: r.kind, labelStyle: { fontSize: 9 }, markerEnd: { type: MarkerType.ArrowClosed } };
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
