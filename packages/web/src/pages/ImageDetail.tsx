import { useMemo } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Descriptions, Dropdown, Statistic, Row, Col, Table, Tabs, Tag, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { get, type Asset, type Finding, type Page, type Relations } from '../lib/api.js';
import { formatBytes, formatDate, formatNumber } from '../lib/format.js';
import { useLang } from '../lib/useLang.js';
import { EmptyState, ErrorState, NotAvailable, SkeletonBlock } from '../components/States.js';
import { PageTitle, SeverityTag, StatusTag } from '../components/common.js';
import { packageOf } from '../components/FindingDrawer.js';
import { AttributeList } from './AssetDetail.js';
import { RelationGraph } from '../components/RelationGraph.js';

const TABS = ['overview', 'layers', 'packages', 'findings', 'graph'] as const;

/** The image's SBOM from the API (the scanner's CycloneDX/SPDX writers); the session cookie authorises the download. */
function sbomUrl(id: number, format: 'cyclonedx' | 'spdx'): string {
  return `/api/v1/assets/${id}/sbom?format=${format}`;
}

/** One entry of an image asset's `layers` attribute, as `scan image --upload` describes it. */
interface ImageLayer {
  index: number;
  digest: string;
  createdBy?: string;
  size?: number;
  packageCount: number;
  packages?: string[];
}

/** "pkg:deb/debian/openssl@3.0.11?arch=amd64" → "openssl 3.0.11". */
function purlLabel(purl: string): string {
  const m = /^pkg:[^/]+\/(?:.*\/)?([^@/?#]+)@([^?#]+)/.exec(purl);
  return m ? `${decodeURIComponent(m[1])} ${decodeURIComponent(m[2])}` : purl;
}

export default function ImageDetail() {
  const { id } = useParams();
  const { t } = useTranslation();
  const lang = useLang();
  const [sp, setSp] = useSearchParams();
  const tab = (TABS as readonly string[]).includes(sp.get('tab') ?? '') ? (sp.get('tab') as string) : 'overview';
  const asset = useQuery({ queryKey: ['asset', id], queryFn: () => get<Asset>(`/api/v1/assets/${id}`) });
  const rel = useQuery({ queryKey: ['relations', id, 'pkgs'], queryFn: () => get<Relations>(`/api/v1/assets/${id}/relations`, new URLSearchParams({ depth: '1', direction: 'both', limit: '1000' })) });
  const findings = useQuery({
    queryKey: ['findings', 'image', id],
    queryFn: () => get<Page<Finding>>('/api/v1/findings', new URLSearchParams({ assetId: String(id), status: 'open', sort: 'priority', dir: 'desc', limit: '1000' })),
  });
  const pkgs = useMemo(() => (rel.data?.assets ?? []).filter((a) => a.kind === 'package').sort((a, b) => a.name.localeCompare(b.name)), [rel.data]);
  const perPackage = useMemo(() => {
    const m = new Map<string, number>();
    for (const f of findings.data?.items ?? []) {
      const p = packageOf(f);
      if (p) m.set(`${p.name}@${p.version}`, (m.get(`${p.name}@${p.version}`) ?? 0) + 1);
    }
    return m;
  }, [findings.data]);

  if (asset.error) return <ErrorState error={asset.error} onRetry={() => void asset.refetch()} />;
  if (!asset.data) return <SkeletonBlock />;
  const a = asset.data;
  const attrs = a.attributes as { imageId?: string; layers?: ImageLayer[] | number; layerCount?: number; distro?: string; os?: string; architecture?: string; created?: string };
  // Older uploads kept only the number of layers.
  const layers = Array.isArray(attrs.layers) ? attrs.layers : [];
  const { layers: _layerList, ...overviewAttributes } = a.attributes as Record<string, unknown>;
  const open = findings.data?.items ?? [];
  const count = (s: string) => open.filter((f) => f.severity === s).length;
  return (
    <>
      <PageTitle
        title={a.name}
        subtitle={t('image.subtitle')}
        extra={
          <Dropdown
            menu={{
              items: [
                { key: 'cdx', label: <a href={sbomUrl(a.id, 'cyclonedx')} download>CycloneDX 1.6 (JSON)</a> },
                { key: 'spdx', label: <a href={sbomUrl(a.id, 'spdx')} download>SPDX 2.3 (JSON)</a> },
              ],
            }}
          >
            <Button icon={<DownloadOutlined />} data-testid="sbom-download">
              {t('image.sbom')}
            </Button>
          </Dropdown>
        }
      />
      <Row gutter={12} style={{ marginBottom: 12 }}>
        {(['critical', 'high', 'medium', 'low'] as const).map((s) => (
          <Col key={s} xs={12} md={6}>
            <Card size="small">
              <Statistic title={t(`severity.${s}`)} value={findings.data ? formatNumber(count(s), lang) : '…'} />
            </Card>
          </Col>
        ))}
      </Row>
      <Card size="small">
        <Tabs
          activeKey={tab}
          onChange={(k) => setSp(k === 'overview' ? {} : { tab: k })}
          items={[
            {
              key: 'overview',
              label: t('image.tab.overview'),
              children: (
                <Descriptions size="small" column={{ xs: 1, md: 2 }} bordered>
                  <Descriptions.Item label={t('assets.key')}>{a.key}</Descriptions.Item>
                  <Descriptions.Item label={t('finding.lastSeen')}>{formatDate(a.lastSeen, lang)}</Descriptions.Item>
                  {AttributeList({ attributes: overviewAttributes })}
                </Descriptions>
              ),
            },
            {
              key: 'layers',
              label: t('image.tab.layers'),
              children: (
                layers.length === 0 ? (
                  <NotAvailable title={t('image.layersUnavailable')} detail={t('image.layersRescan')} />
                ) : (
                  <Table<ImageLayer>
                    size="small"
                    rowKey="index"
                    dataSource={layers}
                    pagination={false}
                    data-testid="layers-table"
                    expandable={{
                      rowExpandable: (l) => (l.packages?.length ?? 0) > 0,
                      expandedRowRender: (l) => (
                        <Typography.Paragraph style={{ margin: 0 }}>
                          {(l.packages ?? []).map((purl) => (
                            <Tag key={purl} style={{ marginBottom: 4 }}>
                              {purlLabel(purl)}
                            </Tag>
                          ))}
                        </Typography.Paragraph>
                      ),
                    }}
                    columns={[
                      { title: '#', dataIndex: 'index', width: 50 },
                      {
                        title: t('image.layer.command'),
                        dataIndex: 'createdBy',
                        ellipsis: true,
                        render: (v: string | undefined) => (v ? <Typography.Text code title={v}>{v}</Typography.Text> : <Typography.Text type="secondary">{t('image.layer.noCommand')}</Typography.Text>),
                      },
                      { title: t('image.layer.size'), dataIndex: 'size', width: 110, align: 'right', render: (v: number | undefined) => formatBytes(v, lang) },
                      { title: t('image.layer.packages'), dataIndex: 'packageCount', width: 110, align: 'right', render: (v: number | undefined) => formatNumber(v ?? 0, lang) },
                      { title: t('image.layer.digest'), dataIndex: 'digest', width: 180, ellipsis: true, render: (v: string) => <Typography.Text type="secondary" title={v}>{v.replace(/^sha256:/, '').slice(0, 12)}</Typography.Text> },
                    ]}
                  />
                )
              ),
            },
            {
              key: 'packages',
              label: t('image.tab.packages', { count: pkgs.length }),
              children: rel.error ? (
                <ErrorState error={rel.error} />
              ) : (
                <Table<Asset>
                  size="small"
                  rowKey="id"
                  loading={rel.isPending}
                  dataSource={pkgs}
                  pagination={{ pageSize: 50, showSizeChanger: false }}
                  locale={{ emptyText: <EmptyState /> }}
                  columns={[
                    { title: t('image.package'), key: 'n', render: (_: unknown, p) => <Link to={`/assets/${p.id}`}>{String((p.attributes as { name?: string }).name ?? p.name)}</Link>, sorter: (x, y) => x.name.localeCompare(y.name) },
                    { title: t('image.version'), key: 'v', render: (_: unknown, p) => String((p.attributes as { version?: string }).version ?? '') },
                    { title: t('image.ecosystem'), key: 't', width: 120, render: (_: unknown, p) => <Tag>{String((p.attributes as { type?: string }).type ?? '')}</Tag> },
                    { title: 'purl', dataIndex: 'key', ellipsis: true },
                    {
                      title: t('image.openFindings'),
                      key: 'f',
                      width: 110,
                      render: (_: unknown, p) => formatNumber(perPackage.get(p.name) ?? 0, lang),
                      sorter: (x, y) => (perPackage.get(x.name) ?? 0) - (perPackage.get(y.name) ?? 0),
                    },
                  ]}
                />
              ),
            },
            {
              key: 'findings',
              label: t('image.tab.findings', { count: open.length }),
              children: findings.error ? (
                <ErrorState error={findings.error} />
              ) : (
                <>
                  <Link to={`/vulnerabilities?assetId=${a.id}`}>{t('image.allFindings')}</Link>
                  <Table<Finding>
                    size="small"
                    rowKey="id"
                    loading={findings.isPending}
                    dataSource={open}
                    pagination={{ pageSize: 50, showSizeChanger: false }}
                    locale={{ emptyText: <EmptyState description={t('vulns.empty')} /> }}
                    columns={[
                      { title: t('finding.priority'), dataIndex: ['priority', 'score'], width: 80, render: (v: number) => formatNumber(v, lang) },
                      { title: t('finding.severity'), dataIndex: 'severity', width: 100, render: (v: string) => <SeverityTag severity={v} /> },
                      { title: t('finding.rule'), dataIndex: 'ruleId', width: 170 },
                      { title: t('finding.package'), key: 'p', render: (_: unknown, f) => (packageOf(f) ? `${packageOf(f)?.name} ${packageOf(f)?.version}` : '—') },
                      { title: t('finding.title'), dataIndex: 'title', ellipsis: true },
                      { title: t('finding.status'), dataIndex: 'status', width: 100, render: (v: string) => <StatusTag status={v} /> },
                    ]}
                  />
                </>
              ),
            },
            { key: 'graph', label: t('assets.graph'), children: rel.data ? <RelationGraph graph={rel.data} /> : <SkeletonBlock /> },
          ]}
        />
      </Card>
    </>
  );
}
