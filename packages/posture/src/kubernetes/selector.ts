/**
 * metav1.LabelSelector semantics, the one implementation every family uses (NetworkPolicy, RBAC aggregation, policy
 * match constraints, rules): every `matchLabels` pair and every `matchExpressions` requirement must hold, so `{}`
 * matches everything. A malformed requirement or unknown operator matches nothing (the API server would refuse the
 * object). How an absent selector reads differs by field, so callers decide that before calling.
 */
export function labelSelectorMatches(selector: { matchLabels?: unknown; matchExpressions?: unknown }, labels: Readonly<Record<string, string>>): boolean {
  const ml = selector.matchLabels;
  if (typeof ml === 'object' && ml !== null) {
    for (const [k, v] of Object.entries(ml as Record<string, unknown>)) if (labels[k] !== String(v)) return false;
  }
  if (!Array.isArray(selector.matchExpressions)) return true;
  for (const e of selector.matchExpressions as unknown[]) {
    if (typeof e !== 'object' || e === null) return false;
    const { key, operator, values } = e as { key?: unknown; operator?: unknown; values?: unknown };
    if (typeof key !== 'string') return false;
    const has = Object.hasOwn(labels, key);
    const list = Array.isArray(values) ? values.map(String) : [];
    switch (operator) {
      case 'In':
        if (!has || !list.includes(labels[key]!)) return false;
        break;
      case 'NotIn':
        if (has && list.includes(labels[key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
