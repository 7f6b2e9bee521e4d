import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { Card, Col, List, Row, Statistic, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { get, type Finding, type Page, type Summary } from '../lib/api.js';
import { formatDate, formatNumber, postureScore } from '../lib/format.js';
import { FINDING_TYPES, SEVERITIES } from '../lib/filters.js';
import { useLang } from '../lib/useLang.js';
import { Chart } from '../components/Chart.js';
import { EmptyState, ErrorState, SkeletonBlock } from '../components/States.js';
import { PageTitle, SEVERITY_COLORS, SeverityTag } from '../components/common.js';

interface TrendPoint {
  date: string;
  new: number;
  fixed: number;
  unresolved: number;
}

export default function Overview() {
  const { t } = useTranslation();
  const lang = useLang();
  const summary = useQuery({ queryKey: ['summary', 'open'], queryFn: () => get<Summary>('/api/v1/findings/summary', new URLSearchParams({ status: 'open' })) });
  const top = useQuery({
    queryKey: ['findings', 'top'],
    queryFn: () => get<Page<Finding>>('/api/v1/findings', new URLSearchParams({ status: 'open', sort: 'priority', dir: 'desc', limit: '10' })),
  });
  const newest = useQuery({
    queryKey: ['findings', 'newest-critical'],
    queryFn: () => get<Page<Finding>>('/api/v1/findings', new URLSearchParams({ status: 'open', severity: 'critical', sort: 'firstSeen', dir: 'desc', limit: '8' })),
  });

  const trends = useQuery({
    queryKey: ['findings', 'trends', 30],
    queryFn: () => get<{ points: TrendPoint[] }>('/api/v1/findings/trends', new URLSearchParams({ days: '30' })),
  });

  if (summary.error) return <ErrorState error={summary.error} onRetry={() => void summary.refetch()} />;
  const s = summary.data;
  const score = s ? postureScore(s.bySeverity, s.kev) : 0;
  return (
    <>
      <PageTitle title={t('overview.title')} subtitle={t('overview.subtitle')} />
      {!s ? (
        <SkeletonBlock />
      ) : (
        <Row gutter={[12, 12]}>
          <Col xs={24} md={8} xl={6}>
            <Card title={t('overview.posture')} size="small">
              <Chart
                label={t('overview.posture')}
                height={200}
                option={{
                  series: [
                    {
                      type: 'gauge',
                      min: 0,
                      max: 100,
                      progress: { show: true, width: 12 },
                      axisLine: { lineStyle: { width: 12 } },
                      axisLabel: { show: false },
                      splitLine: { show: false },
                      axisTick: { show: false },
                      pointer: { show: false },
                      detail: { valueAnimation: false, fontSize: 32, offsetCenter: [0, 0], formatter: (v: number) => formatNumber(v, lang, 0) },
                      itemStyle: { color: score >= 80 ? '#389e0d' : score >= 50 ? '#d48806' : '#cf1322' },
                      data: [{ value: score }],
                    },
                  ],
                }}
              />
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('overview.postureHint')}
              </Typography.Text>
            </Card>
          </Col>
          <Col xs={24} md={16} xl={18}>
            <Row gutter={[12, 12]}>
              <Col xs={12} lg={6}>
                <Card size="small">
                  <Statistic title={t('overview.openFindings')} value={formatNumber(s.total, lang)} />
                </Card>
              </Col>
              <Col xs={12} lg={6}>
                <Card size="small">
                  <Statistic title={t('overview.critical')} value={formatNumber(s.bySeverity.critical ?? 0, lang)} valueStyle={{ color: SEVERITY_COLORS.critical }} />
                </Card>
              </Col>
              <Col xs={12} lg={6}>
                <Card size="small">
                  <Link to="/vulnerabilities?kev=true">
                    <Statistic title={t('overview.kev')} value={formatNumber(s.kev, lang)} valueStyle={{ color: '#cf1322' }} />
                  </Link>
                </Card>
              </Col>
              <Col xs={12} lg={6}>
                <Card size="small">
                  <Statistic title={t('overview.fixable')} value={formatNumber(s.fixAvailable, lang)} />
                </Card>
              </Col>
              <Col xs={24} lg={12}>
                <Card size="small" title={t('overview.bySeverity')}>
                  <Chart
                    label={t('overview.bySeverity')}
                    height={220}
                    option={{
                      tooltip: { trigger: 'item' },
                      legend: { orient: 'vertical', right: 0, top: 'middle' },
                      series: [
                        {
                          type: 'pie',
                          radius: ['45%', '75%'],
                          center: ['38%', '50%'],
                          label: { show: false },
                          data: SEVERITIES.map((sev) => ({ name: t(`severity.${sev}`), value: s.bySeverity[sev] ?? 0, itemStyle: { color: SEVERITY_COLORS[sev] } })),
                        },
                      ],
                    }}
                  />
                </Card>
              </Col>
              <Col xs={24} lg={12}>
                <Card size="small" title={t('overview.byType')}>
                  <Chart
                    label={t('overview.byType')}
                    height={220}
                    option={{
                      tooltip: { trigger: 'axis' },
                      grid: { left: 90, right: 16, top: 10, bottom: 24 },
                      xAxis: { type: 'value', minInterval: 1 },
                      yAxis: { type: 'category', data: FINDING_TYPES.map((x) => t(`type.${x}`)) },
                      series: [{ type: 'bar', data: FINDING_TYPES.map((x) => s.byType[x] ?? 0), itemStyle: { color: '#1f5fbf' }, barMaxWidth: 24 }],
                    }}
                  />
                </Card>
              </Col>
            </Row>
          </Col>
          <Col xs={24} xl={14}>
            <Card size="small" title={t('overview.topRisks')} extra={<Link to="/vulnerabilities">{t('action.viewAll')}</Link>}>
              {top.error ? (
                <ErrorState error={top.error} />
              ) : (
                <Table<Finding>
                  size="small"
                  rowKey="id"
                  loading={top.isPending}
                  pagination={false}
                  dataSource={top.data?.items ?? []}
                  locale={{ emptyText: <EmptyState description={t('overview.noRisks')} /> }}
                  columns={[
                    { title: t('finding.priority'), dataIndex: ['priority', 'score'], width: 80, render: (v: number) => formatNumber(v, lang) },
                    { title: t('finding.severity'), dataIndex: 'severity', width: 100, render: (v: string) => <SeverityTag severity={v} /> },
                    { title: t('finding.rule'), dataIndex: 'ruleId', render: (v: string) => <Link to={`/vulnerabilities?ruleId=${encodeURIComponent(v)}&status=`}>{v}</Link> },
                    { title: t('finding.title'), dataIndex: 'title', ellipsis: true },
                  ]}
                />
              )}
            </Card>
          </Col>
          <Col xs={24} xl={10}>
            <Card size="small" title={t('overview.newestCritical')}>
              {newest.error ? (
                <ErrorState error={newest.error} />
              ) : (
                <List<Finding>
                  size="small"
                  loading={newest.isPending}
                  dataSource={newest.data?.items ?? []}
                  locale={{ emptyText: <EmptyState description={t('overview.noCritical')} /> }}
                  renderItem={(f) => (
                    <List.Item extra={<Typography.Text type="secondary">{formatDate(f.firstSeen, lang)}</Typography.Text>}>
                      <List.Item.Meta title={<Link to={`/vulnerabilities?ruleId=${encodeURIComponent(f.ruleId)}`}>{f.ruleId}</Link>} description={f.title} />
                    </List.Item>
                  )}
                />
              )}
            </Card>
          </Col>
          <Col xs={24}>
            <Card size="small" title={t('overview.trends')}>
              {trends.error ? (
                <ErrorState error={trends.error} onRetry={() => void trends.refetch()} />
              ) : !trends.data ? (
                <SkeletonBlock />
              ) : (
                <Chart
                  label={t('overview.trends')}
                  height={260}
                  option={{
                    tooltip: { trigger: 'axis' },
                    legend: { data: [t('overview.trend.unresolved'), t('overview.trend.new'), t('overview.trend.fixed')] },
                    grid: { left: 50, right: 50, top: 40, bottom: 30 },
                    xAxis: { type: 'category', data: trends.data.points.map((p) => formatDate(`${p.date}T12:00:00Z`, lang, false)) },
                    yAxis: [
                      { type: 'value', name: t('overview.trend.unresolved') },
                      { type: 'value', name: t('overview.trend.perDay'), splitLine: { show: false } },
                    ],
                    series: [
                      { name: t('overview.trend.unresolved'), type: 'line', smooth: true, data: trends.data.points.map((p) => p.unresolved), itemStyle: { color: '#cf1322' } },
                      { name: t('overview.trend.new'), type: 'bar', yAxisIndex: 1, data: trends.data.points.map((p) => p.new), itemStyle: { color: '#fa8c16' } },
                      { name: t('overview.trend.fixed'), type: 'bar', yAxisIndex: 1, data: trends.data.points.map((p) => p.fixed), itemStyle: { color: '#389e0d' } },
                    ],
                  }}
                />
              )}
            </Card>
          </Col>
        </Row>
      )}
    </>
  );
}
