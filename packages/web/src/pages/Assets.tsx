import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Card, Input, Select, Space, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { get, type Asset, type Page } from '../lib/api.js';
import { ASSET_KINDS, assetFiltersToSearch, firstPage, parseAssetFilters, type AssetFilters, type AssetKind } from '../lib/filters.js';
import { formatDate } from '../lib/format.js';
import { useLang } from '../lib/useLang.js';
import { useUrlState } from '../lib/useUrlState.js';
import { EmptyState, ErrorState } from '../components/States.js';
import { CursorPager, PageTitle } from '../components/common.js';

export function assetLink(a: { id: number; kind: string }): string {
  return a.kind === 'image' ? `/images/${a.id}` : `/assets/${a.id}`;
}

export default function Assets() {
  const { t } = useTranslation();
  const lang = useLang();
  const [f, setF] = useUrlState(parseAssetFilters, assetFiltersToSearch);
  const update = (p: Partial<AssetFilters>) => setF(firstPage({ ...f, ...p }));
  const [q, setQ] = useState(f.q ?? '');
  // the box follows the URL (back/forward, a shared link)
  useEffect(() => setQ(f.q ?? ''), [f.q]);
  const apiQ = new URLSearchParams({ limit: String(f.limit) });
  if (f.kind) apiQ.set('kind', f.kind);
  if (f.group) apiQ.set('group', String(f.group));
  if (f.q) apiQ.set('q', f.q);
  if (f.cursor) apiQ.set('cursor', f.cursor);
  const list = useQuery({ queryKey: ['assets', apiQ.toString()], queryFn: () => get<Page<Asset>>('/api/v1/assets', apiQ), placeholderData: keepPreviousData });
  const groups = useQuery({ queryKey: ['asset-groups'], queryFn: () => get<{ items: { id: number; name: string }[] }>('/api/v1/asset-groups') });
  const rows = list.data?.items ?? [];
  return (
    <>
      <PageTitle title={t('assets.title')} subtitle={t('assets.subtitle')} />
      <Card size="small" style={{ marginBottom: 12 }}>
        <Space wrap>
          <Select
            style={{ width: 180 }}
            value={f.kind ?? ''}
            aria-label={t('assets.kind')}
            onChange={(v) => update({ kind: (v || undefined) as AssetKind | undefined })}
            options={[{ value: '', label: t('assets.allKinds') }, ...ASSET_KINDS.map((k) => ({ value: k, label: t(`kind.${k}`) }))]}
          />
          <Select
            style={{ width: 200 }}
            value={f.group ?? 0}
            aria-label={t('assets.group')}
            loading={groups.isPending}
            onChange={(v) => update({ group: v || undefined })}
            options={[{ value: 0, label: t('assets.allGroups') }, ...(groups.data?.items ?? []).map((g) => ({ value: g.id, label: g.name }))]}
          />
          <Input.Search
            allowClear
            style={{ width: 280 }}
            placeholder={t('assets.search')}
            aria-label={t('assets.search')}
            maxLength={200}
            value={q}
            onChange={(e) => setQ(e.target.value)}
            onSearch={(v) => update({ q: v.trim() || undefined })}
          />
        </Space>
      </Card>
      {list.error ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Table<Asset>
          size="small"
          rowKey="id"
          loading={list.isFetching}
          dataSource={rows}
          pagination={false}
          locale={{ emptyText: <EmptyState description={t('assets.empty')} /> }}
          columns={[
            { title: t('assets.kind'), dataIndex: 'kind', width: 120, render: (v: string) => <Tag>{t(`kind.${v}`, { defaultValue: v })}</Tag> },
            { title: t('assets.name'), dataIndex: 'name', render: (v: string, a) => <Link to={assetLink(a)}>{v}</Link> },
            { title: t('assets.key'), dataIndex: 'key', ellipsis: true },
            { title: t('assets.criticality'), dataIndex: 'criticality', width: 110, render: (v: string) => t(`criticality.${v}`, { defaultValue: v }) },
            { title: t('finding.lastSeen'), dataIndex: 'lastSeen', width: 170, render: (v: string) => formatDate(v, lang) },
          ]}
        />
      )}
      <CursorPager
        state={f}
        nextCursor={list.data?.nextCursor}
        onState={setF}
      />
    </>
  );
}
