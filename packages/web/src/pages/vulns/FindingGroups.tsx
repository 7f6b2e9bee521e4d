import type { ReactNode } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Button, Space, Table, Tag, Typography } from 'antd';
import type { TableProps } from 'antd';
import { FireOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { get, type Finding, type FindingGroup, type FindingGroupBy, type Page } from '../../lib/api.js';
import { SEVERITIES, findingFiltersToApi, type FindingFilters } from '../../lib/filters.js';
import { formatNumber } from '../../lib/format.js';
import { useLang } from '../../lib/useLang.js';
import { EmptyState, ErrorState } from '../../components/States.js';
import { SEVERITY_COLORS } from '../../components/common.js';

/** The console's group names → the API's `by`. */
export const GROUP_API: Record<Exclude<FindingFilters['group'], 'none'>, FindingGroupBy> = { cve: 'rule', package: 'package', image: 'target' };

/** The list filter that selects one group's findings (none for the group of findings without a package). */
export function groupFilter(by: FindingGroupBy, key: string | null): Record<string, string> | undefined {
  if (key === null) return undefined;
  return by === 'rule' ? { ruleId: key } : by === 'target' ? { target: key } : { package: key };
}

/** What a group bulk action needs: the findings filter (the page's filters plus the group's key) and the count shown. */
export interface GroupSelection {
  filter: Record<string, string>;
  count: number;
  label: string;
}

/**
 * Findings grouped on the server across every matching finding (not just one page): by CVE/rule, package or target,
 * with counts by severity, highest priority, KEV and fix; a group opens to its findings and can be suppressed whole.
 */
export function FindingGroups({
  f,
  paging,
  renderFindings,
  onSuppress,
}: {
  f: FindingFilters;
  paging: (nextCursor: string | undefined) => ReactNode;
  renderFindings: (rows: Finding[], loading: boolean) => ReactNode;
  onSuppress?: (s: GroupSelection) => void;
}) {
  const { t } = useTranslation();
  const lang = useLang();
  const by = GROUP_API[f.group as keyof typeof GROUP_API];
  const q = findingFiltersToApi(f, false);
  q.set('by', by);
  q.set('limit', String(f.limit));
  if (f.cursor) q.set('cursor', f.cursor);
  const groups = useQuery({ queryKey: ['findings', 'groups', q.toString()], queryFn: () => get<Page<FindingGroup>>('/api/v1/findings/groups', q), placeholderData: keepPreviousData });
  if (groups.error) return <ErrorState error={groups.error} onRetry={() => void groups.refetch()} />;
  const label = (g: FindingGroup): string => g.key ?? t('vulns.noPackage');
  const columns: TableProps<FindingGroup>['columns'] = [
    { title: t('finding.priority'), dataIndex: 'maxPriority', key: 'priority', width: 90, render: (v: number) => <strong>{formatNumber(v, lang)}</strong> },
    {
      title: t(`vulns.group.${f.group}`),
      key: 'key',
      render: (_: unknown, g) => (
        <Space size={4} wrap>
          <Typography.Text strong>{label(g)}</Typography.Text>
          {g.kev ? (
            <Tag color="red" icon={<FireOutlined />} title={t('finding.kevHint')}>
              KEV
            </Tag>
          ) : null}
          {g.title ? <Typography.Text type="secondary">{g.title}</Typography.Text> : null}
        </Space>
      ),
    },
    {
      title: t('vulns.bySeverity'),
      key: 'severity',
      width: 300,
      render: (_: unknown, g) => (
        <Space size={[2, 2]} wrap>
          {SEVERITIES.filter((s) => (g.bySeverity[s] ?? 0) > 0).map((s) => (
            <Tag key={s} color={SEVERITY_COLORS[s]}>
              {t(`severity.${s}`)} {formatNumber(g.bySeverity[s], lang)}
            </Tag>
          ))}
        </Space>
      ),
    },
    { title: t('vulns.findings'), dataIndex: 'count', key: 'count', width: 100, render: (v: number) => formatNumber(v, lang) },
    { title: t('finding.fix'), dataIndex: 'fixAvailable', key: 'fix', width: 80, render: (v: boolean) => (v ? <Tag color="green">{t('common.yes')}</Tag> : <Tag>{t('common.no')}</Tag>) },
    ...(onSuppress
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            width: 130,
            render: (_: unknown, g: FindingGroup) => {
              const gf = groupFilter(by, g.key);
              return gf ? (
                <Button size="small" onClick={() => onSuppress({ filter: { ...Object.fromEntries(findingFiltersToApi(f, false)), ...gf }, count: g.count, label: label(g) })}>
                  {t('vulns.suppressGroup')}
                </Button>
              ) : null;
            },
          },
        ]
      : []),
  ];
  return (
    <>
      <Table<FindingGroup>
        size="small"
        rowKey={(g) => g.key ?? '\u0000'}
        columns={columns}
        dataSource={groups.data?.items ?? []}
        loading={groups.isFetching}
        pagination={false}
        locale={{ emptyText: <EmptyState description={t('vulns.empty')} /> }}
        expandable={{
          rowExpandable: (g) => groupFilter(by, g.key) !== undefined,
          expandedRowRender: (g) => <GroupFindings f={f} filter={groupFilter(by, g.key)!} renderFindings={renderFindings} />,
        }}
        data-testid="finding-groups"
      />
      {paging(groups.data?.nextCursor)}
    </>
  );
}

/** One group's findings, first 20 by priority (the full list is one click away with the group as a filter). */
function GroupFindings({ f, filter, renderFindings }: { f: FindingFilters; filter: Record<string, string>; renderFindings: (rows: Finding[], loading: boolean) => ReactNode }) {
  const q = findingFiltersToApi({ ...f, cursor: undefined, back: [], limit: 20 });
  for (const [k, v] of Object.entries(filter)) q.set(k, v);
  const list = useQuery({ queryKey: ['findings', 'list', q.toString()], queryFn: () => get<Page<Finding>>('/api/v1/findings', q) });
  if (list.error) return <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  return <>{renderFindings(list.data?.items ?? [], list.isFetching)}</>;
}
