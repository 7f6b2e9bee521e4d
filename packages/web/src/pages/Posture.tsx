import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { Alert, Badge, Card, Col, List, Row, Segmented, Select, Space, Statistic, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { get } from '../lib/api.js';
import { formatNumber } from '../lib/format.js';
import { useLang } from '../lib/useLang.js';
import { EmptyState, ErrorState, SkeletonBlock } from '../components/States.js';
import { FindingDrawer } from '../components/FindingDrawer.js';
import { PageTitle, SeverityTag } from '../components/common.js';

type ControlStatus = 'pass' | 'fail' | 'not-evaluated';
const STATUSES: readonly ControlStatus[] = ['fail', 'pass', 'not-evaluated'];

interface Counts {
  pass: number;
  fail: number;
  notEvaluated: number;
  total: number;
}

interface FrameworkInfo {
  id: string;
  name: string;
  nameZh?: string;
  version: string;
}

/** GET /api/v1/compliance */
interface Overview {
  scopeDescription: string;
  items: (FrameworkInfo & { summary: Counts })[];
}

interface Evidence {
  findingId: number;
  ruleId: string;
  severity: string;
  resource: string;
  target: string;
  assetId?: number;
  assetKind?: string;
}

interface Control {
  id: string;
  title: string;
  titleZh?: string;
  status: ControlStatus;
  rules: string[];
  open: number;
  excepted: number;
  fixed: number;
  failing: Evidence[];
}

/** GET /api/v1/compliance/:framework */
interface Detail {
  scopeDescription: string;
  framework: FrameworkInfo;
  summary: Counts;
  controls: Control[];
}

const BADGE: Record<ControlStatus, 'error' | 'success' | 'default'> = { fail: 'error', pass: 'success', 'not-evaluated': 'default' };
const LABEL: Record<ControlStatus, 'posture.fail' | 'posture.pass' | 'posture.notEvaluated'> = { fail: 'posture.fail', pass: 'posture.pass', 'not-evaluated': 'posture.notEvaluated' };

function assetPath(e: Evidence): string | undefined {
  if (e.assetId === undefined) return undefined;
  return e.assetKind === 'image' ? `/images/${e.assetId}` : `/assets/${e.assetId}`;
}

const ruleFindings = (ruleId: string) => `/vulnerabilities?${new URLSearchParams({ ruleId, type: 'config' })}`;

export default function Posture() {
  const { t } = useTranslation();
  const lang = useLang();
  const [sp, setSp] = useSearchParams();
  const [finding, setFinding] = useState<number | undefined>();
  const overview = useQuery({ queryKey: ['compliance'], queryFn: () => get<Overview>('/api/v1/compliance') });
  const frameworks = overview.data?.items ?? [];
  const selected = sp.get('framework') ?? frameworks[0]?.id;
  const statusParam = sp.get('status');
  const status = STATUSES.find((s) => s === statusParam);
  const detail = useQuery({
    queryKey: ['compliance', selected],
    queryFn: () => get<Detail>(`/api/v1/compliance/${encodeURIComponent(selected ?? '')}`),
    enabled: selected !== undefined,
  });
  const fwName = (f: FrameworkInfo) => (lang === 'zh-CN' && f.nameZh ? f.nameZh : t(`frameworks.${f.id}`, { defaultValue: f.name }));
  const title = (c: Control) => (lang === 'zh-CN' && c.titleZh ? c.titleZh : c.title);
  const select = (framework: string, s?: ControlStatus) => setSp(s ? { framework, status: s } : { framework });

  if (overview.error) return <ErrorState error={overview.error} onRetry={() => void overview.refetch()} />;
  if (!overview.data) return <SkeletonBlock />;
  const d = detail.data;
  const nothingScanned = frameworks.every((f) => f.summary.pass === 0 && f.summary.fail === 0);
  const rows = (d?.controls ?? []).filter((c) => !status || c.status === status);
  return (
    <>
      <PageTitle
        title={t('posture.title')}
        subtitle={t('posture.subtitle')}
        extra={
          frameworks.length ? (
            <Select
              style={{ width: 300 }}
              aria-label={t('posture.framework')}
              value={selected}
              onChange={(v) => select(v)}
              options={frameworks.map((f) => ({ value: f.id, label: fwName(f) }))}
            />
          ) : null
        }
      />
      {nothingScanned ? <Alert type="info" showIcon message={t('posture.empty')} style={{ marginBottom: 12 }} /> : null}
      <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
        {frameworks.map((f) => (
          <Col key={f.id} xs={24} sm={12} lg={8} xl={Math.max(4, Math.floor(24 / Math.max(1, frameworks.length)))}>
            <Card
              size="small"
              hoverable
              onClick={() => select(f.id)}
              style={f.id === selected ? { borderColor: '#1677ff' } : undefined}
              title={<Typography.Text ellipsis={{ tooltip: fwName(f) }}>{fwName(f)}</Typography.Text>}
            >
              <Space wrap size={4}>
                <Tag color="red">
                  {t('posture.fail')} {formatNumber(f.summary.fail, lang)}
                </Tag>
                <Tag color="green">
                  {t('posture.pass')} {formatNumber(f.summary.pass, lang)}
                </Tag>
                <Tag>
                  {t('posture.notEvaluated')} {formatNumber(f.summary.notEvaluated, lang)}
                </Tag>
              </Space>
            </Card>
          </Col>
        ))}
      </Row>
      {frameworks.length === 0 ? (
        <Card>
          <EmptyState description={t('posture.empty')} />
        </Card>
      ) : detail.error ? (
        <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />
      ) : !d ? (
        <SkeletonBlock />
      ) : (
        <>
          <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
            <Col xs={12} md={6}>
              <Card size="small">
                <Statistic title={t('posture.failingControls')} value={formatNumber(d.summary.fail, lang)} valueStyle={{ color: '#cf1322' }} />
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card size="small">
                <Statistic title={t('posture.passingControls')} value={formatNumber(d.summary.pass, lang)} valueStyle={{ color: '#389e0d' }} />
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card size="small">
                <Statistic title={t('posture.notEvaluatedControls')} value={formatNumber(d.summary.notEvaluated, lang)} />
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card size="small">
                <Statistic title={t('posture.totalControls')} value={formatNumber(d.summary.total, lang)} />
              </Card>
            </Col>
          </Row>
          <Card
            size="small"
            title={t('posture.controlsOf', { framework: `${fwName(d.framework)} ${d.framework.version}` })}
            extra={
              <Segmented
                value={status ?? 'all'}
                onChange={(v) => select(d.framework.id, v === 'all' ? undefined : (v as ControlStatus))}
                options={[
                  { value: 'all', label: `${t('posture.all')} ${formatNumber(d.summary.total, lang)}` },
                  { value: 'fail', label: `${t('posture.fail')} ${formatNumber(d.summary.fail, lang)}` },
                  { value: 'pass', label: `${t('posture.pass')} ${formatNumber(d.summary.pass, lang)}` },
                  { value: 'not-evaluated', label: `${t('posture.notEvaluated')} ${formatNumber(d.summary.notEvaluated, lang)}` },
                ]}
              />
            }
          >
            <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
              {d.scopeDescription}. {t('posture.notEvaluatedNote')}
            </Typography.Paragraph>
            <Table<Control>
              size="small"
              rowKey="id"
              loading={detail.isFetching}
              dataSource={rows}
              pagination={{ pageSize: 20, showSizeChanger: false, hideOnSinglePage: true }}
              locale={{ emptyText: <EmptyState description={t('posture.noControls')} /> }}
              expandable={{
                rowExpandable: (c) => c.failing.length > 0,
                expandedRowRender: (c) => (
                  <List
                    size="small"
                    header={
                      <Space>
                        <Typography.Text strong>{t('posture.evidence')}</Typography.Text>
                        {c.open > c.failing.length ? <Typography.Text type="secondary">{t('posture.evidenceShown', { shown: c.failing.length, count: c.open })}</Typography.Text> : null}
                      </Space>
                    }
                    dataSource={c.failing}
                    renderItem={(e) => {
                      const asset = assetPath(e);
                      return (
                        <List.Item
                          actions={[
                            <Typography.Link key="finding" onClick={() => setFinding(e.findingId)}>
                              {t('posture.finding', { id: e.findingId })}
                            </Typography.Link>,
                            ...(e.assetId !== undefined
                              ? [
                                  <Link key="asset" to={`/vulnerabilities?${new URLSearchParams({ assetId: String(e.assetId), type: 'config' })}`}>
                                    {t('posture.assetFindings')}
                                  </Link>,
                                ]
                              : []),
                          ]}
                        >
                          <Space wrap size={6}>
                            <SeverityTag severity={e.severity} />
                            {asset ? (
                              <Link to={asset}>
                                <Typography.Text code>{e.resource}</Typography.Text>
                              </Link>
                            ) : (
                              <Typography.Text code>{e.resource}</Typography.Text>
                            )}
                            <Link to={ruleFindings(e.ruleId)}>{e.ruleId}</Link>
                          </Space>
                        </List.Item>
                      );
                    }}
                  />
                ),
              }}
              columns={[
                { title: t('posture.control'), dataIndex: 'id', width: 120, render: (v: string) => <Typography.Text strong>{v}</Typography.Text> },
                { title: t('posture.requirement'), key: 'title', render: (_: unknown, c) => title(c) },
                { title: t('posture.result'), dataIndex: 'status', width: 120, render: (v: ControlStatus) => <Badge status={BADGE[v]} text={t(LABEL[v])} /> },
                {
                  title: t('posture.rules'),
                  key: 'rules',
                  width: 260,
                  render: (_: unknown, c) => (
                    <Space wrap size={[0, 4]}>
                      {c.rules.map((r) => (
                        <Link key={r} to={ruleFindings(r)}>
                          <Tag>{r}</Tag>
                        </Link>
                      ))}
                    </Space>
                  ),
                },
                { title: t('posture.open'), dataIndex: 'open', width: 80, align: 'right', render: (v: number) => formatNumber(v, lang) },
                { title: t('posture.excepted'), dataIndex: 'excepted', width: 90, align: 'right', render: (v: number) => formatNumber(v, lang) },
                { title: t('posture.fixed'), dataIndex: 'fixed', width: 80, align: 'right', render: (v: number) => formatNumber(v, lang) },
              ]}
            />
          </Card>
        </>
      )}
      <FindingDrawer id={finding} onClose={() => setFinding(undefined)} />
    </>
  );
}
