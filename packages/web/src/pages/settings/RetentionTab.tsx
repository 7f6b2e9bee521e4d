// Settings → Data retention: the tenant's limits in days (GET/PUT /api/v1/settings/retention) and a prune now
// (POST /api/v1/settings/retention/run) with the rows it deleted per kind.
import { useEffect, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Form, InputNumber, Popconfirm, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, get } from '../../lib/api.js';
import { formatDate, formatNumber } from '../../lib/format.js';
import { useLang } from '../../lib/useLang.js';
import { useCan } from '../../auth.js';
import { ErrorState, Loading } from '../../components/States.js';

export const RETENTION_FIELDS = ['findingsDays', 'scansDays', 'reportsDays', 'alertsDays', 'auditDays'] as const;
type Field = (typeof RETENTION_FIELDS)[number];
type Settings = Record<Field, number>;
type Counts = Record<'findings' | 'scans' | 'reports' | 'alerts' | 'audit', number>;

interface Retention extends Settings {
  defaults: Settings;
  minDays: Settings;
  maxDays: number;
  updatedAt: string | null;
  updatedBy: string | null;
  lastRun: { at: string; counts: Counts } | null;
}

/** The API's rule: a whole number, 0 (keep forever) or from the field's minimum to the maximum. */
export function validDays(v: unknown, min: number, max: number): boolean {
  return typeof v === 'number' && Number.isInteger(v) && (v === 0 || (v >= min && v <= max));
}

export function RetentionTab() {
  const { t } = useTranslation();
  const lang = useLang();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const canRead = useCan('retention.read');
  const canSave = useCan('retention.update');
  const canRun = useCan('retention.run');
  const [form] = Form.useForm<Settings>();
  const [ran, setRan] = useState<{ at: string; counts: Counts }>();
  const q = useQuery({ queryKey: ['retention'], queryFn: () => get<Retention>('/api/v1/settings/retention'), enabled: canRead });
  useEffect(() => {
    if (q.data) form.setFieldsValue(Object.fromEntries(RETENTION_FIELDS.map((f) => [f, q.data[f]])) as Settings);
  }, [q.data, form]);
  const save = useMutation({
    mutationFn: (v: Settings) => api<Retention>('PUT', '/api/v1/settings/retention', Object.fromEntries(RETENTION_FIELDS.map((f) => [f, v[f]]))),
    onSuccess: async () => {
      message.success(t('common.saved'));
      await qc.invalidateQueries({ queryKey: ['retention'] });
    },
    onError: (e) => message.error(e.message),
  });
  const run = useMutation({
    mutationFn: () => api<{ at: string; counts: Counts }>('POST', '/api/v1/settings/retention/run'),
    onSuccess: async (r) => {
      setRan(r);
      message.success(t('settings.retention.runDone'));
      await qc.invalidateQueries({ queryKey: ['retention'] });
    },
    onError: (e) => message.error(e.message),
  });

  if (!canRead) return <Alert type="info" showIcon message={t('settings.retention.forbidden')} />;
  if (q.error) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data) return <Loading />;
  const d = q.data;
  const counts = (c: Counts) =>
    t('settings.retention.counts', {
      findings: formatNumber(c.findings, lang),
      scans: formatNumber(c.scans, lang),
      reports: formatNumber(c.reports, lang),
      alerts: formatNumber(c.alerts, lang),
      audit: formatNumber(c.audit, lang),
    });
  const last = ran ?? d.lastRun;

  return (
    <div data-testid="retention" style={{ maxWidth: 720 }}>
      <Typography.Paragraph type="secondary">{t('settings.retention.intro')}</Typography.Paragraph>
      {canSave ? null : <Alert type="info" showIcon style={{ marginBottom: 16 }} message={t('settings.retention.readOnly')} />}
      <Form<Settings> form={form} layout="vertical" disabled={!canSave} onFinish={(v) => save.mutate(v)}>
        {RETENTION_FIELDS.map((f) => (
          <Form.Item
            key={f}
            name={f}
            label={t(`settings.retention.${f}`)}
            extra={`${t(`settings.retention.hint.${f}`)} ${t('settings.retention.default', { value: d.defaults[f] === 0 ? t('settings.retention.forever') : formatNumber(d.defaults[f], lang) })}`}
            rules={[
              {
                validator: (_, v: unknown) =>
                  validDays(v, d.minDays[f], d.maxDays) ? Promise.resolve() : Promise.reject(new Error(t('settings.retention.range', { min: d.minDays[f], max: d.maxDays }))),
              },
            ]}
          >
            <InputNumber min={0} max={d.maxDays} precision={0} suffix={t('settings.retention.days')} style={{ width: 220 }} aria-label={t(`settings.retention.${f}`)} />
          </Form.Item>
        ))}
        <Typography.Paragraph type="secondary">
          {d.updatedAt ? t('settings.retention.updated', { at: formatDate(d.updatedAt, lang), by: d.updatedBy ?? '—' }) : t('settings.retention.defaults')}
        </Typography.Paragraph>
        {canSave ? (
          <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="retention-save">
            {t('action.save')}
          </Button>
        ) : null}
      </Form>
      <Space direction="vertical" style={{ marginTop: 24, width: '100%' }}>
        <Typography.Text strong>{t('settings.retention.runTitle')}</Typography.Text>
        {last ? (
          <Alert type={ran ? 'success' : 'info'} showIcon data-testid="retention-counts" message={t('settings.retention.lastRun', { at: formatDate(last.at, lang) })} description={counts(last.counts)} />
        ) : (
          <Typography.Text type="secondary">{t('settings.retention.never')}</Typography.Text>
        )}
        {canRun ? (
          <Popconfirm title={t('settings.retention.runConfirm')} onConfirm={() => run.mutate()} okText={t('common.yes')} cancelText={t('common.no')}>
            <Button danger loading={run.isPending} data-testid="retention-run">
              {t('settings.retention.run')}
            </Button>
          </Popconfirm>
        ) : null}
      </Space>
    </div>
  );
}
