import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, DatePicker, Form, Input, Modal, Progress, Radio } from 'antd';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api, type BulkStatusRequest, type BulkStatusResponse } from '../lib/api.js';

interface Values {
  status: 'suppressed' | 'risk-accepted';
  reason: string;
  owner?: string;
  expiresAt?: Dayjs;
}

/** Findings to triage: selected ids, or every finding of a filter (a group) as counted on screen. */
export type TriageTarget = { ids: number[] } | { filter: Record<string, string>; count: number; label: string };

const IDS_PER_REQUEST = 1000;

/**
 * Suppress or risk-accept many findings with one reason and expiry through POST /api/v1/findings/status (one
 * transaction per request: ids in chunks of 1,000, or one filter with the count the user confirmed; a 409 says the
 * group changed meanwhile).
 */
export function TriageModal({ target, open, onClose }: { target: TriageTarget; open: boolean; onClose: (done: boolean) => void }) {
  const count = 'ids' in target ? target.ids.length : target.count;
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<Values>();
  const [done, setDone] = useState(0);
  const run = useMutation({
    mutationFn: async (v: Values) => {
      setDone(0);
      const body = { status: v.status, reason: v.reason, ...(v.owner ? { owner: v.owner } : {}), ...(v.expiresAt ? { expiresAt: v.expiresAt.endOf('day').toISOString() } : {}) };
      if (!('ids' in target)) {
        const r = await api<BulkStatusResponse>('POST', '/api/v1/findings/status', { ...body, filter: target.filter, confirmCount: target.count } satisfies BulkStatusRequest);
        setDone(r.changed);
        return;
      }
      for (let i = 0; i < target.ids.length; i += IDS_PER_REQUEST) {
        const ids = target.ids.slice(i, i + IDS_PER_REQUEST);
        await api<BulkStatusResponse>('POST', '/api/v1/findings/status', { ...body, ids } satisfies BulkStatusRequest);
        setDone((n) => n + ids.length);
      }
    },
    onSuccess: async () => {
      message.success(t('triage.done', { count }));
      form.resetFields();
      await qc.invalidateQueries({ queryKey: ['findings'] });
      await qc.invalidateQueries({ queryKey: ['summary'] });
      onClose(true);
    },
    onError: async (e) => {
      message.error(e.message);
      await qc.invalidateQueries({ queryKey: ['findings'] });
    },
  });
  return (
    <Modal
      open={open}
      title={'ids' in target ? t('triage.title', { count }) : t('triage.titleGroup', { count, label: target.label })}
      okText={t('triage.submit')}
      cancelText={t('action.cancel')}
      onCancel={() => onClose(false)}
      onOk={() => form.submit()}
      confirmLoading={run.isPending}
      okButtonProps={{ 'data-testid': 'triage-submit' } as Record<string, string>}
      forceRender
    >
      <Form<Values> form={form} layout="vertical" initialValues={{ status: 'suppressed' }} onFinish={(v) => run.mutate(v)} name="triage">
        <Form.Item name="status" label={t('triage.status')}>
          <Radio.Group
            options={[
              { value: 'suppressed', label: t('status.suppressed') },
              { value: 'risk-accepted', label: t('status.risk-accepted') },
            ]}
          />
        </Form.Item>
        <Form.Item name="reason" label={t('triage.reason')} rules={[{ required: true, whitespace: true, message: t('triage.reasonRequired') }]}>
          <Input.TextArea rows={3} maxLength={4096} data-testid="triage-reason" />
        </Form.Item>
        <Form.Item name="owner" label={t('triage.owner')}>
          <Input maxLength={256} />
        </Form.Item>
        <Form.Item name="expiresAt" label={t('triage.expiresAt')} extra={t('triage.expiresHint')}>
          <DatePicker style={{ width: '100%' }} disabledDate={(d) => d.isBefore(new Date(), 'day')} />
        </Form.Item>
      </Form>
      {run.isPending ? <Progress percent={Math.round((done / Math.max(1, count)) * 100)} size="small" /> : null}
    </Modal>
  );
}
