import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Form, Input, InputNumber, Modal, Popconfirm, Select, Space, Switch, Table, Tabs, Tag } from 'antd';
import { DownloadOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, get, type Page } from '../lib/api.js';
import { parseSimple, simpleToSearch } from '../lib/filters.js';
import { formatBytes, formatDate, formatNumber } from '../lib/format.js';
import { useLang } from '../lib/useLang.js';
import { useUrlState } from '../lib/useUrlState.js';
import { useCan } from '../auth.js';
import { EmptyState, ErrorState } from '../components/States.js';
import { CursorPager, PageTitle } from '../components/common.js';

interface Report {
  id: number;
  scheduleId: number | null;
  title: string;
  kind: string;
  format: string;
  request: { scope: { type: string; target?: string; assetId?: number; name?: string }; framework?: string };
  summary?: { open?: { total: number } };
  filename: string;
  sizeBytes: number;
  generatedAt: string;
  createdBy: string;
  downloadUrl: string;
}

interface Schedule {
  id: number;
  name: string;
  kind: string;
  format: string;
  cadence: string;
  hour: number;
  enabled: boolean;
  nextRunAt?: string | null;
  lastRunAt?: string | null;
}

const KINDS = ['vulnerabilities', 'posture', 'compliance'] as const;
const FORMATS = ['pdf', 'xlsx', 'docx'] as const;
const FRAMEWORKS = ['cis-kubernetes', 'nsa-cisa', 'pci-dss', 'mlps-2.0', 'cis-docker'] as const;
const CADENCES = ['daily', 'weekly', 'monthly'] as const;

interface GenerateValues {
  kind: (typeof KINDS)[number];
  format: (typeof FORMATS)[number];
  scopeType: 'tenant' | 'image' | 'cluster';
  scopeValue?: string;
  framework?: string;
  name?: string;
  cadence?: (typeof CADENCES)[number];
  hour?: number;
}

function bodyOf(v: GenerateValues): Record<string, unknown> {
  const scope =
    v.scopeType === 'tenant'
      ? { type: 'tenant' }
      : v.scopeType === 'cluster'
        ? { type: 'cluster', name: v.scopeValue }
        : /^\d+$/.test(v.scopeValue ?? '')
          ? { type: 'image', assetId: Number(v.scopeValue) }
          : { type: 'image', target: v.scopeValue };
  return { scope, kind: v.kind, format: v.format, ...(v.kind === 'compliance' && v.framework ? { framework: v.framework } : {}) };
}

function ReportForm({ schedule }: { schedule: boolean }) {
  const { t } = useTranslation();
  return (
    <>
      {schedule ? (
        <Form.Item name="name" label={t('reports.name')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
          <Input maxLength={200} />
        </Form.Item>
      ) : null}
      <Form.Item name="kind" label={t('reports.kind')}>
        <Select options={KINDS.map((k) => ({ value: k, label: t(`reports.kinds.${k}`) }))} />
      </Form.Item>
      <Form.Item noStyle shouldUpdate={(a: GenerateValues, b: GenerateValues) => a.kind !== b.kind}>
        {({ getFieldValue }) =>
          getFieldValue('kind') === 'compliance' ? (
            <Form.Item name="framework" label={t('reports.framework')} rules={[{ required: true, message: t('common.required') }]}>
              <Select options={FRAMEWORKS.map((k) => ({ value: k, label: t(`frameworks.${k}`) }))} />
            </Form.Item>
          ) : null
        }
      </Form.Item>
      <Form.Item name="format" label={t('reports.format')}>
        <Select options={FORMATS.map((k) => ({ value: k, label: k.toUpperCase() }))} />
      </Form.Item>
      <Form.Item name="scopeType" label={t('reports.scope')}>
        <Select options={(['tenant', 'image', 'cluster'] as const).map((k) => ({ value: k, label: t(`reports.scopes.${k}`) }))} />
      </Form.Item>
      <Form.Item noStyle shouldUpdate={(a: GenerateValues, b: GenerateValues) => a.scopeType !== b.scopeType}>
        {({ getFieldValue }) =>
          getFieldValue('scopeType') !== 'tenant' ? (
            <Form.Item name="scopeValue" label={getFieldValue('scopeType') === 'image' ? t('reports.imageRef') : t('reports.clusterName')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
              <Input />
            </Form.Item>
          ) : null
        }
      </Form.Item>
      {schedule ? (
        <Space>
          <Form.Item name="cadence" label={t('reports.cadence')}>
            <Select style={{ width: 140 }} options={CADENCES.map((k) => ({ value: k, label: t(`reports.cadences.${k}`) }))} />
          </Form.Item>
          <Form.Item name="hour" label={t('reports.hour')}>
            <InputNumber min={0} max={23} />
          </Form.Item>
        </Space>
      ) : null}
    </>
  );
}

const parse = (sp: URLSearchParams) => parseSimple(sp, ['tab'], 20);
const serialize = (v: ReturnType<typeof parse>) => simpleToSearch(v, 20);

export default function Reports() {
  const { t } = useTranslation();
  const lang = useLang();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [, setSp] = useSearchParams();
  const [f, setF] = useUrlState(parse, serialize);
  const tab = f.values.tab ?? 'reports';
  const canGenerate = useCan('report.generate');
  const canDelete = useCan('report.delete');
  const canSchedules = useCan('schedule.read');
  const canCreateSchedule = useCan('schedule.create');
  const [open, setOpen] = useState<false | 'report' | 'schedule'>(false);
  const [form] = Form.useForm<GenerateValues>();
  const q = new URLSearchParams({ limit: String(f.limit) });
  if (f.cursor) q.set('cursor', f.cursor);
  const list = useQuery({ queryKey: ['reports', q.toString()], queryFn: () => get<Page<Report>>('/api/v1/reports', q), placeholderData: keepPreviousData });
  const schedules = useQuery({ queryKey: ['report-schedules'], queryFn: () => get<{ items: Schedule[] }>('/api/v1/report-schedules'), enabled: canSchedules && tab === 'schedules' });
  const generate = useMutation({
    mutationFn: (v: GenerateValues) =>
      open === 'schedule'
        ? api('POST', '/api/v1/report-schedules', { ...bodyOf(v), name: v.name, cadence: v.cadence, hour: v.hour })
        : api<Report>('POST', '/api/v1/reports', bodyOf(v)),
    onSuccess: async () => {
      message.success(open === 'schedule' ? t('reports.scheduled') : t('reports.generated'));
      setOpen(false);
      form.resetFields();
      await qc.invalidateQueries({ queryKey: ['reports'] });
      await qc.invalidateQueries({ queryKey: ['report-schedules'] });
    },
    onError: (e) => message.error(e.message),
  });
  const del = useMutation({
    mutationFn: (p: string) => api('DELETE', p),
    onSuccess: async () => {
      message.success(t('common.deleted'));
      await qc.invalidateQueries({ queryKey: ['reports'] });
      await qc.invalidateQueries({ queryKey: ['report-schedules'] });
    },
    onError: (e) => message.error(e.message),
  });
  const toggle = useMutation({
    mutationFn: (s: Schedule) => api('PATCH', `/api/v1/report-schedules/${s.id}`, { enabled: !s.enabled }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['report-schedules'] }),
    onError: (e) => message.error(e.message),
  });
  const reportsTable = list.error ? (
    <ErrorState error={list.error} onRetry={() => void list.refetch()} />
  ) : (
    <>
      <Table<Report>
        size="small"
        rowKey="id"
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: <EmptyState description={t('reports.empty')} /> }}
        columns={[
          { title: t('reports.generatedAt'), dataIndex: 'generatedAt', width: 170, render: (v: string) => formatDate(v, lang) },
          { title: t('reports.titleCol'), key: 'title', render: (_: unknown, r) => t(`reports.kinds.${r.kind}`, { defaultValue: r.title }) + (r.request.framework ? ` · ${r.request.framework}` : '') },
          { title: t('reports.scope'), key: 'scope', render: (_: unknown, r) => `${t(`reports.scopes.${r.request.scope.type}`, { defaultValue: r.request.scope.type })}${r.request.scope.target ?? r.request.scope.name ?? (r.request.scope.assetId ? ` #${r.request.scope.assetId}` : '') ? ': ' + (r.request.scope.target ?? r.request.scope.name ?? r.request.scope.assetId) : ''}` },
          { title: t('reports.format'), dataIndex: 'format', width: 80, render: (v: string) => <Tag>{v.toUpperCase()}</Tag> },
          { title: t('reports.size'), dataIndex: 'sizeBytes', width: 100, render: (v: number) => formatBytes(v, lang) },
          { title: t('reports.openFindings'), key: 'open', width: 110, render: (_: unknown, r) => formatNumber(r.summary?.open?.total, lang) },
          { title: t('reports.by'), dataIndex: 'createdBy', width: 160, ellipsis: true },
          {
            title: t('common.actions'),
            key: 'a',
            width: 190,
            render: (_: unknown, r) => (
              <Space>
                <Button size="small" icon={<DownloadOutlined />} href={r.downloadUrl} download={r.filename} data-testid={`report-download-${r.id}`}>
                  {t('action.download')}
                </Button>
                {canDelete ? (
                  <Popconfirm title={t('common.confirmDelete')} onConfirm={() => del.mutate(`/api/v1/reports/${r.id}`)} okText={t('common.yes')} cancelText={t('common.no')}>
                    <Button size="small" danger>
                      {t('action.delete')}
                    </Button>
                  </Popconfirm>
                ) : null}
              </Space>
            ),
          },
        ]}
      />
      <CursorPager
        state={f}
        nextCursor={list.data?.nextCursor}
        onState={setF}
      />
    </>
  );
  return (
    <>
      <PageTitle
        title={t('reports.title')}
        subtitle={t('reports.subtitle')}
        extra={
          <>
            {canGenerate ? (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen('report')} data-testid="report-generate">
                {t('reports.generate')}
              </Button>
            ) : null}
            {canCreateSchedule ? (
              <Button icon={<PlusOutlined />} onClick={() => setOpen('schedule')}>
                {t('reports.schedule')}
              </Button>
            ) : null}
          </>
        }
      />
      <Card size="small">
        {canSchedules ? (
          <Tabs
            activeKey={tab}
            onChange={(k) => setSp(k === 'reports' ? {} : { tab: k })}
            items={[
              { key: 'reports', label: t('reports.tab.reports'), children: reportsTable },
              {
                key: 'schedules',
                label: t('reports.tab.schedules'),
                children: schedules.error ? (
                  <ErrorState error={schedules.error} />
                ) : (
                  <Table<Schedule>
                    size="small"
                    rowKey="id"
                    loading={schedules.isPending}
                    dataSource={schedules.data?.items ?? []}
                    pagination={false}
                    locale={{ emptyText: <EmptyState description={t('reports.noSchedules')} /> }}
                    columns={[
                      { title: t('reports.name'), dataIndex: 'name' },
                      { title: t('reports.kind'), dataIndex: 'kind', render: (v: string) => t(`reports.kinds.${v}`, { defaultValue: v }) },
                      { title: t('reports.format'), dataIndex: 'format', render: (v: string) => v.toUpperCase() },
                      { title: t('reports.cadence'), dataIndex: 'cadence', render: (v: string, s) => `${t(`reports.cadences.${v}`, { defaultValue: v })} · ${String(s.hour).padStart(2, '0')}:00 UTC` },
                      { title: t('reports.nextRun'), dataIndex: 'nextRunAt', render: (v: string | null) => formatDate(v, lang) },
                      { title: t('reports.enabled'), dataIndex: 'enabled', render: (v: boolean, s) => <Switch size="small" checked={v} onChange={() => toggle.mutate(s)} aria-label={t('reports.enabled')} /> },
                      {
                        title: t('common.actions'),
                        key: 'a',
                        render: (_: unknown, s) => (
                          <Popconfirm title={t('common.confirmDelete')} onConfirm={() => del.mutate(`/api/v1/report-schedules/${s.id}`)} okText={t('common.yes')} cancelText={t('common.no')}>
                            <Button size="small" danger>
                              {t('action.delete')}
                            </Button>
                          </Popconfirm>
                        ),
                      },
                    ]}
                  />
                ),
              },
            ]}
          />
        ) : (
          reportsTable
        )}
      </Card>
      <Modal
        open={open !== false}
        title={open === 'schedule' ? t('reports.schedule') : t('reports.generate')}
        okText={open === 'schedule' ? t('action.save') : t('reports.generate')}
        cancelText={t('action.cancel')}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        confirmLoading={generate.isPending}
        okButtonProps={{ 'data-testid': 'report-generate-submit' } as Record<string, string>}
        forceRender
      >
        <Form<GenerateValues> form={form} layout="vertical" initialValues={{ kind: 'vulnerabilities', format: 'pdf', scopeType: 'tenant', cadence: 'weekly', hour: 6 }} onFinish={(v) => generate.mutate(v)} name="report">
          <ReportForm schedule={open === 'schedule'} />
        </Form>
      </Modal>
    </>
  );
}
