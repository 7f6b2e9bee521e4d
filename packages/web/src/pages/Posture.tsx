import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { Alert, Badge, Card, Col, List, Row, Select, Statistic, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { get, type Finding, type Page } from '../lib/api.js';
import { foldCompliance, type ControlRow } from '../lib/compliance.js';
import { formatNumber } from '../lib/format.js';
import { useLang } from '../lib/useLang.js';
import { EmptyState, ErrorState, NotAvailable, SkeletonBlock } from '../components/States.js';
import { PageTitle, SeverityTag } from '../components/common.js';

const MAX_PAGES = 5;

/** Every open config finding (up to MAX_PAGES × 1000). */
async function openConfigFindings(): Promise<{ items: Finding[]; truncated: boolean }> {
  const items: Finding[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const q = new URLSearchParams({ type: 'config', status: 'open', limit: '1000', sort: 'id', dir: 'asc' });
    if (cursor) q.set('cursor', cursor);
    const page = await get<Page<Finding>>('/api/v1/findings', q);
    items.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) return { items, truncated: false };
  }
  return { items, truncated: true };
}

export default function Posture() {
  const { t } = useTranslation();
  const lang = useLang();
  const [sp, setSp] = useSearchParams();
  const q = useQuery({ queryKey: ['findings', 'posture'], queryFn: openConfigFindings });
  const frameworks = useMemo(() => foldCompliance(q.data?.items ?? []), [q.data]);
  const selected = sp.get('framework') ?? frameworks[0]?.framework;
  const fw = frameworks.find((x) => x.framework === selected);
  if (q.error) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data) return <SkeletonBlock />;
  return (
    <>
      <PageTitle
        title={t('posture.title')}
        subtitle={t('posture.subtitle')}
        extra={
          frameworks.length ? (
            <Select
              style={{ width: 260 }}
              aria-label={t('posture.framework')}
              value={selected}
              onChange={(v) => setSp({ framework: v })}
              options={frameworks.map((x) => ({ value: x.framework, label: t(`frameworks.${x.framework}`, { defaultValue: x.framework }) }))}
            />
          ) : null
        }
      />
      {q.data.truncated ? <Alert type="warning" showIcon message={t('posture.truncated')} style={{ marginBottom: 12 }} /> : null}
      <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('posture.configFindings')} value={formatNumber(q.data.items.length, lang)} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('posture.frameworks')} value={formatNumber(frameworks.length, lang)} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('posture.failingControls')} value={fw ? formatNumber(fw.controls.length, lang) : '—'} valueStyle={{ color: '#cf1322' }} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('posture.passingControls')} value="—" />
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('posture.passingNote')}
            </Typography.Text>
          </Card>
        </Col>
      </Row>
      {frameworks.length === 0 ? (
        <Card>
          <EmptyState description={t('posture.empty')} />
        </Card>
      ) : fw ? (
        <Card size="small" title={t('posture.controlsOf', { framework: t(`frameworks.${fw.framework}`, { defaultValue: fw.framework }) })}>
          <Table<ControlRow>
            size="small"
            rowKey="control"
            dataSource={fw.controls}
            pagination={{ pageSize: 20, showSizeChanger: false }}
            expandable={{
              expandedRowRender: (c) => (
                <List
                  size="small"
                  header={<Typography.Text strong>{t('posture.evidence')}</Typography.Text>}
                  dataSource={c.findings}
                  renderItem={(f) => (
                    <List.Item>
                      <SeverityTag severity={f.severity} /> <Typography.Text code>{String(f.payload.resource ?? f.payload.file ?? '')}</Typography.Text>{' '}
                      <Link to={`/vulnerabilities?ruleId=${encodeURIComponent(f.ruleId)}&type=config`}>{f.ruleId}</Link> — {f.title}
                    </List.Item>
                  )}
                />
              ),
            }}
            columns={[
              { title: t('posture.control'), dataIndex: 'control', width: 160, render: (v: string) => <Typography.Text strong>{v}</Typography.Text> },
              { title: t('posture.result'), key: 'r', width: 110, render: () => <Badge status="error" text={t('posture.fail')} /> },
              { title: t('posture.rules'), key: 'rules', render: (_: unknown, c) => [...new Set(c.findings.map((f) => f.ruleId))].map((r) => <Tag key={r}>{r}</Tag>) },
              { title: t('posture.resources'), key: 'res', width: 120, render: (_: unknown, c) => formatNumber(c.resources.length, lang) },
              { title: t('posture.findingCount'), key: 'n', width: 100, render: (_: unknown, c) => formatNumber(c.findings.length, lang) },
            ]}
          />
        </Card>
      ) : null}
      <Card size="small" style={{ marginTop: 12 }}>
        <NotAvailable title={t('posture.passingUnavailable')} detail="GET /api/v1/compliance/:framework → { controls: [{ id, title, result: pass|fail|manual, evidence: [...] }] }" />
      </Card>
    </>
  );
}
