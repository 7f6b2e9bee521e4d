import { useMemo } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Col, Popconfirm, Row, Select, Space, Table, Tabs, Timeline, Typography } from 'antd';
import { useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, get, type Page } from '../lib/api.js';
import { firstPage, parseSimple, simpleToSearch } from '../lib/filters.js';
import { formatDate, formatNumber } from '../lib/format.js';
import { useLang } from '../lib/useLang.js';
import { useUrlState } from '../lib/useUrlState.js';
import { useCan } from '../auth.js';
import { EmptyState, ErrorState } from '../components/States.js';
import { CursorPager, PageTitle, SeverityTag } from '../components/common.js';
import { AlertDrawer, StateTag, useAlertUpdate } from './alerts/AlertDrawer.js';
import { useAssignees } from './alerts/assignees.js';
import { DeliveriesTable, DeliveryTags, STATUS_COLOR } from './alerts/deliveries.js';
import { ALERT_STATES, movesFrom, workflowQuery, type Alert } from './alerts/workflow.js';

export type { Alert } from './alerts/workflow.js';

interface Silence {
  id: number;
  reason: string;
  expiresAt: string;
  createdBy?: string;
  createdAt: string;
  match: Record<string, unknown>;
}

const DELIVERY_STATUSES = ['pending', 'failed', 'sent', 'dead'] as const;
const KEYS = ['status', 'ruleId', 'state', 'assignee', 'alert', 'tab'] as const;
const TABS = ['timeline', 'dead', 'silences'] as const;
const parse = (sp: URLSearchParams) => parseSimple(sp, KEYS, 50);
const serialize = (v: ReturnType<typeof parse>) => simpleToSearch(v, 50);

export default function Alerts() {
  const { t } = useTranslation();
  const lang = useLang();
  const [f, setF] = useUrlState(parse, serialize);
  // An old link to a tab that is gone (the former "assignment" placeholder) lands on the timeline.
  const tab = TABS.find((x) => x === f.values.tab) ?? 'timeline';
  const [, setSp] = useSearchParams();
  const canUpdate = useCan('alert.update');
  const assignees = useAssignees();
  const update = useAlertUpdate();
  const rules = useQuery({ queryKey: ['alert-rules'], queryFn: () => get<{ items: { id: number; name: string }[] }>('/api/v1/alert-rules') });
  const q = new URLSearchParams({ limit: String(f.limit) });
  if (f.values.status) q.set('status', f.values.status);
  if (f.values.ruleId) q.set('ruleId', f.values.ruleId);
  workflowQuery(f.values, q);
  if (f.cursor) q.set('cursor', f.cursor);
  const list = useQuery({ queryKey: ['alerts', q.toString()], queryFn: () => get<Page<Alert>>('/api/v1/alerts', q), placeholderData: keepPreviousData, enabled: tab === 'timeline' });
  const ruleName = useMemo(() => new Map((rules.data?.items ?? []).map((r) => [r.id, r.name])), [rules.data]);
  const set = (k: string, v: string | undefined) => setF(firstPage({ ...f, values: { ...f.values, [k]: v ?? '' } }));
  // The open alert is kept in the URL (a shareable link), without resetting the page.
  const openAlert = (id: number | undefined) => setF({ ...f, values: { ...f.values, alert: id === undefined ? '' : String(id) } });
  const drawerId = /^[1-9][0-9]{0,14}$/.test(f.values.alert ?? '') ? Number(f.values.alert) : undefined;
  const items = list.data?.items ?? [];
  const assigneeName = (d: Alert) => (d.assigneeId === null ? undefined : assignees.nameOf(d.assigneeId, d.assigneeName));
  return (
    <>
      <PageTitle title={t('alerts.title')} subtitle={t('alerts.subtitle')} />
      <Tabs
        activeKey={tab}
        onChange={(k) => setSp(k === 'timeline' ? {} : { tab: k })}
        items={[
          {
            key: 'timeline',
            label: t('alerts.tab.timeline'),
            children: (
              <>
                <Card size="small" style={{ marginBottom: 12 }}>
                  <Space wrap>
                    <Select
                      style={{ width: 180 }}
                      aria-label={t('alerts.statusFilter')}
                      value={f.values.status ?? ''}
                      onChange={(v) => set('status', v)}
                      options={[{ value: '', label: t('alerts.allStatuses') }, ...DELIVERY_STATUSES.map((s) => ({ value: s, label: t(`alerts.status.${s}`) }))]}
                    />
                    <Select
                      style={{ width: 220 }}
                      aria-label={t('alerts.ruleFilter')}
                      value={f.values.ruleId ?? ''}
                      onChange={(v) => set('ruleId', v)}
                      options={[{ value: '', label: t('alerts.allRules') }, ...(rules.data?.items ?? []).map((r) => ({ value: String(r.id), label: r.name }))]}
                    />
                    <Select
                      style={{ width: 180 }}
                      aria-label={t('alerts.stateFilter')}
                      value={f.values.state ?? ''}
                      onChange={(v) => set('state', v)}
                      options={[
                        { value: '', label: t('alerts.allStates') },
                        { value: 'open,acknowledged', label: t('alerts.unresolved') },
                        ...ALERT_STATES.map((s) => ({ value: s, label: t(`alerts.state.${s}`) })),
                      ]}
                    />
                    <Select
                      style={{ width: 200 }}
                      aria-label={t('alerts.assigneeFilter')}
                      value={f.values.assignee ?? ''}
                      onChange={(v) => set('assignee', v)}
                      showSearch
                      optionFilterProp="label"
                      options={[
                        { value: '', label: t('alerts.anyAssignee') },
                        ...(assignees.meId !== undefined ? [{ value: 'me', label: t('alerts.assignedToMe') }] : []),
                        { value: 'none', label: t('alerts.unassigned') },
                        ...(assignees.full ? assignees.options.filter((o) => o.id !== assignees.meId).map((o) => ({ value: String(o.id), label: o.label })) : []),
                      ]}
                    />
                  </Space>
                </Card>
                {list.error ? (
                  <ErrorState error={list.error} onRetry={() => void list.refetch()} />
                ) : (
                  <Row gutter={[12, 12]}>
                    <Col xs={24} xxl={7}>
                      <Card size="small" title={t('alerts.timeline')}>
                        {items.length === 0 && !list.isPending ? (
                          <EmptyState description={t('alerts.empty')} />
                        ) : (
                          <Timeline
                            items={items.map((d) => ({
                              color: STATUS_COLOR[d.deliveryStatus] ?? 'gray',
                              children: (
                                <>
                                  <Typography.Link strong onClick={() => openAlert(d.id)}>
                                    {d.payload.title}
                                  </Typography.Link>{' '}
                                  <StateTag state={d.state} />
                                  <br />
                                  <Typography.Text type="secondary">{formatDate(d.createdAt, lang)}</Typography.Text>
                                </>
                              ),
                            }))}
                          />
                        )}
                      </Card>
                    </Col>
                    <Col xs={24} xxl={17}>
                      <Table<Alert>
                        size="small"
                        rowKey="id"
                        loading={list.isFetching}
                        dataSource={items}
                        pagination={false}
                        scroll={{ x: canUpdate ? 1570 : 1320 }}
                        locale={{ emptyText: <EmptyState description={t('alerts.empty')} /> }}
                        expandable={{ expandedRowRender: (d) => <DeliveriesTable deliveries={d.deliveries} />, rowExpandable: (d) => d.deliveries.length > 0 }}
                        columns={[
                          { title: t('alerts.created'), dataIndex: 'createdAt', width: 160, render: (v: string) => formatDate(v, lang) },
                          { title: t('finding.severity'), key: 'sev', width: 100, render: (_: unknown, d) => <SeverityTag severity={d.payload.severity} /> },
                          {
                            title: t('alerts.alert'),
                            key: 'title',
                            ellipsis: true,
                            width: 300,
                            render: (_: unknown, d) => (
                              <Typography.Link onClick={() => openAlert(d.id)} title={t('alerts.details')}>
                                {d.payload.title}
                              </Typography.Link>
                            ),
                          },
                          { title: t('alerts.rule'), key: 'rule', width: 140, render: (_: unknown, d) => (d.ruleId === null ? undefined : ruleName.get(d.ruleId)) ?? d.payload.rule?.name ?? d.ruleId },
                          { title: t('alerts.findings'), key: 'n', width: 80, render: (_: unknown, d) => formatNumber(d.payload.total, lang) },
                          { title: t('alerts.deliveries'), key: 'deliveries', width: 250, render: (_: unknown, d) => <DeliveryTags deliveries={d.deliveries} /> },
                          { title: t('alerts.stateLabel'), dataIndex: 'state', width: 110, render: (v: string) => <StateTag state={v} /> },
                          {
                            title: t('alerts.assignee'),
                            key: 'assignee',
                            width: 140,
                            ellipsis: true,
                            render: (_: unknown, d) => assigneeName(d) ?? <Typography.Text type="secondary">{t('alerts.unassigned')}</Typography.Text>,
                          },
                          ...(canUpdate
                            ? [
                                {
                                  title: t('common.actions'),
                                  key: 'actions',
                                  width: 250,
                                  render: (_: unknown, d: Alert) => (
                                    <Space size={4} wrap>
                                      {movesFrom(d.state).map((m) => (
                                        <Button key={m.to} size="small" disabled={update.isPending} onClick={() => update.mutate({ id: d.id, body: { state: m.to } })}>
                                          {t(`alerts.action.${m.action}`)}
                                        </Button>
                                      ))}
                                      {assignees.meId !== undefined && d.assigneeId !== assignees.meId ? (
                                        <Button size="small" type="link" disabled={update.isPending} onClick={() => update.mutate({ id: d.id, body: { assigneeId: assignees.meId ?? null } })}>
                                          {t('alerts.action.assignToMe')}
                                        </Button>
                                      ) : null}
                                    </Space>
                                  ),
                                },
                              ]
                            : []),
                        ]}
                      />
                      <CursorPager
                        state={f}
                        nextCursor={list.data?.nextCursor}
                        onState={setF}
                      />
                    </Col>
                  </Row>
                )}
              </>
            ),
          },
          { key: 'dead', label: t('alerts.tab.dead'), children: <DeadLetters /> },
          { key: 'silences', label: t('alerts.tab.silences'), children: <Silences /> },
        ]}
      />
      <AlertDrawer id={drawerId} onClose={() => openAlert(undefined)} canUpdate={canUpdate} assignees={assignees} />
    </>
  );
}

function DeadLetters() {
  const { t } = useTranslation();
  const lang = useLang();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const canRetry = useCan('deadLetter.retry');
  const list = useQuery({ queryKey: ['dead-letters'], queryFn: () => get<Page<{ id: number; deliveryId?: number; reason?: string; lastError?: string; createdAt: string; retriedAt?: string | null }>>('/api/v1/alert-dead-letters', new URLSearchParams({ limit: '100' })) });
  const retry = useMutation({
    mutationFn: (id: number) => api('POST', `/api/v1/alert-dead-letters/${id}/retry`),
    onSuccess: async () => {
      message.success(t('alerts.retried'));
      await qc.invalidateQueries({ queryKey: ['dead-letters'] });
    },
    onError: (e) => message.error(e.message),
  });
  if (list.error) return <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  return (
    <Table
      size="small"
      rowKey="id"
      loading={list.isPending}
      dataSource={list.data?.items ?? []}
      pagination={false}
      locale={{ emptyText: <EmptyState description={t('alerts.noDead')} /> }}
      columns={[
        { title: 'ID', dataIndex: 'id', width: 80 },
        { title: t('alerts.created'), dataIndex: 'createdAt', render: (v: string) => formatDate(v, lang) },
        { title: t('alerts.error'), key: 'e', render: (_: unknown, r) => r.lastError ?? r.reason ?? '—' },
        ...(canRetry
          ? [{ title: t('common.actions'), key: 'a', render: (_: unknown, r: { id: number; retriedAt?: string | null }) => <Button size="small" disabled={!!r.retriedAt} onClick={() => retry.mutate(r.id)}>{t('action.retry')}</Button> }]
          : []),
      ]}
    />
  );
}

function Silences() {
  const { t } = useTranslation();
  const lang = useLang();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const canDelete = useCan('silence.delete');
  const list = useQuery({ queryKey: ['silences'], queryFn: () => get<{ items: Silence[] }>('/api/v1/alert-silences') });
  const del = useMutation({
    mutationFn: (id: number) => api('DELETE', `/api/v1/alert-silences/${id}`),
    onSuccess: async () => {
      message.success(t('common.deleted'));
      await qc.invalidateQueries({ queryKey: ['silences'] });
    },
    onError: (e) => message.error(e.message),
  });
  if (list.error) return <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  return (
    <Table<Silence>
      size="small"
      rowKey="id"
      loading={list.isPending}
      dataSource={list.data?.items ?? []}
      pagination={false}
      locale={{ emptyText: <EmptyState description={t('alerts.noSilences')} /> }}
      columns={[
        { title: t('triage.reason'), dataIndex: 'reason' },
        { title: t('alerts.match'), dataIndex: 'match', render: (v: unknown) => <code>{JSON.stringify(v)}</code> },
        { title: t('triage.expiresAt'), dataIndex: 'expiresAt', render: (v: string) => formatDate(v, lang) },
        ...(canDelete
          ? [
              {
                title: t('common.actions'),
                key: 'a',
                render: (_: unknown, r: Silence) => (
                  <Popconfirm title={t('common.confirmDelete')} onConfirm={() => del.mutate(r.id)} okText={t('common.yes')} cancelText={t('common.no')}>
                    <Button size="small" danger>
                      {t('action.delete')}
                    </Button>
                  </Popconfirm>
                ),
              },
            ]
          : []),
      ]}
    />
  );
}
