import { Link, useParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Descriptions, Segmented, Space, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, type Asset, type Relations } from '../lib/api.js';
import { formatDate } from '../lib/format.js';
import { useLang } from '../lib/useLang.js';
import { ErrorState, SkeletonBlock } from '../components/States.js';
import { PageTitle } from '../components/common.js';
import { RelationGraph } from '../components/RelationGraph.js';

export function AttributeList({ attributes }: { attributes: Record<string, unknown> }) {
  return (
    <>
      {Object.entries(attributes).map(([k, v]) => (
        <Descriptions.Item key={k} label={k}>
          {typeof v === 'object' ? JSON.stringify(v) : String(v)}
        </Descriptions.Item>
      ))}
    </>
  );
}

export default function AssetDetail() {
  const { id } = useParams();
  const { t } = useTranslation();
  const lang = useLang();
  const [depth, setDepth] = useState(2);
  const asset = useQuery({ queryKey: ['asset', id], queryFn: () => get<Asset>(`/api/v1/assets/${id}`) });
  const rel = useQuery({ queryKey: ['relations', id, depth], queryFn: () => get<Relations>(`/api/v1/assets/${id}/relations`, new URLSearchParams({ depth: String(depth), direction: 'both', limit: '300' })) });
  if (asset.error) return <ErrorState error={asset.error} onRetry={() => void asset.refetch()} />;
  if (!asset.data) return <SkeletonBlock />;
  const a = asset.data;
  return (
    <>
      <PageTitle
        title={a.name}
        subtitle={<Tag>{t(`kind.${a.kind}`, { defaultValue: a.kind })}</Tag>}
        extra={
          <>
            {a.kind === 'image' ? (
              <Link to={`/images/${a.id}`}>
                <Button type="primary">{t('assets.openImage')}</Button>
              </Link>
            ) : null}
            <Link to={`/vulnerabilities?assetId=${a.id}`}>
              <Button>{t('assets.findings')}</Button>
            </Link>
          </>
        }
      />
      <Card size="small" style={{ marginBottom: 12 }}>
        <Descriptions size="small" column={{ xs: 1, md: 2, xl: 3 }}>
          <Descriptions.Item label={t('assets.key')}>{a.key}</Descriptions.Item>
          <Descriptions.Item label={t('assets.criticality')}>{t(`criticality.${a.criticality}`, { defaultValue: a.criticality })}</Descriptions.Item>
          <Descriptions.Item label={t('assets.groups')}>{a.groups?.length ? a.groups.map((g) => <Tag key={g.id}>{g.name}</Tag>) : '—'}</Descriptions.Item>
          <Descriptions.Item label={t('finding.firstSeen')}>{formatDate(a.firstSeen, lang)}</Descriptions.Item>
          <Descriptions.Item label={t('finding.lastSeen')}>{formatDate(a.lastSeen, lang)}</Descriptions.Item>
          {AttributeList({ attributes: a.attributes })}
        </Descriptions>
      </Card>
      <Card
        size="small"
        title={t('assets.graph')}
        extra={
          <Space>
            {t('assets.depth')}
            <Segmented size="small" value={depth} onChange={(v) => setDepth(Number(v))} options={[1, 2, 3, 4]} />
          </Space>
        }
      >
        {rel.error ? <ErrorState error={rel.error} onRetry={() => void rel.refetch()} /> : rel.data ? <RelationGraph graph={rel.data} /> : <SkeletonBlock />}
      </Card>
    </>
  );
}
