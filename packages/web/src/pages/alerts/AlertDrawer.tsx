// One fired alert: what it says, its deliveries (one per destination), its workflow (state, assignee, note) with a
// form to change it, and the timeline of its changes (GET /api/v1/alerts/:id → deliveries, history; PATCH).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Descriptions, Drawer, Form, Input, Select, Space, Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, get } from '../../lib/api.js';
import { formatDate, formatNumber } from '../../lib/format.js';
import { useLang } from '../../lib/useLang.js';
import { ErrorState, SkeletonBlock } from '../../components/States.js';
import { SeverityTag } from '../../components/common.js';
import { actorName, type Assignees } from './assignees.js';
import { DeliveriesTable, DeliveryStatusTag } from './deliveries.js';
import { ALERT_STATES, STATE_COLOR, eventKinds, movesFrom, type Alert, type AlertState, type AlertStateEvent } from './workflow.js';

interface Values {
  state: AlertState;
  /** A user id, or 0 for nobody. */
  assignee: number;
  note?: string;
}

export function StateTag({ state }: { state: string }) {
  const { t } = useTranslation();
  return <Tag color={STATE_COLOR[state as AlertState] ?? 'default'}>{t(`alerts.state.${state}`, { defaultValue: state })}</Tag>;
}

/** PATCH /api/v1/alerts/:id, then the lists and this alert are read again. */
export function useAlertUpdate() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: number; body: { state?: AlertState; assigneeId?: number | null; note?: string } }) => api<Alert>('PATCH', `/api/v1/alerts/${id}`, body),
    onSuccess: async (_, v) => {
      message.success(t('alerts.updated'));
      await qc.invalidateQueries({ queryKey: ['alerts'] });
      await qc.invalidateQueries({ queryKey: ['alert', v.id] });
    },
    onError: async (e, v) => {
      message.error(e.message);
      await qc.invalidateQueries({ queryKey: ['alert', v.id] });
    },
  });
}

export function AlertDrawer({ id, onClose, canUpdate, assignees }: { id: number | undefined; onClose: () => void; canUpdate: boolean; assignees: Assignees }) {
  const { t } = useTranslation();
  const lang = useLang();
  const q = useQuery({ queryKey: ['alert', id], queryFn: () => get<Alert & { history: AlertStateEvent[] }>(`/api/v1/alerts/${id}`), enabled: id !== undefined });
  const update = useAlertUpdate();
  const a = q.data;

  const save = (v: Values) => {
    if (!a) return;
    const body: { state?: AlertState; assigneeId?: number | null; note?: string } = {};
    if (v.state !== a.state) body.state = v.state;
    const assignee = v.assignee === 0 ? null : v.assignee;
    if (assignee !== a.assigneeId) body.assigneeId = assignee;
    if (v.note?.trim()) body.note = v.note.trim();
    if (Object.keys(body).length === 0) return;
    update.mutate({ id: a.id, body });
  };

  const who = (userId: number | null, name?: string) => (userId === null ? t('alerts.unassigned') : (assignees.nameOf(userId, name) ?? `#${userId}`));
  const describe = (e: AlertStateEvent) =>
    eventKinds(e).map((k) =>
      k === 'state'
        ? t('alerts.history.state', { from: t(`alerts.state.${e.fromState}`), to: t(`alerts.state.${e.state}`) })
        : k === 'assignee'
          ? e.assigneeId === null
            ? t('alerts.history.unassigned')
            : t('alerts.history.assigned', { name: who(e.assigneeId, e.names?.assignee) })
          : t('alerts.history.note'),
    );

  const stateOptions = a ? [a.state, ...movesFrom(a.state).map((m) => m.to)].filter((s, i, all) => all.indexOf(s) === i && (ALERT_STATES as readonly string[]).includes(s)) : [];
  const assigneeOptions = [
    { value: 0, label: t('alerts.unassigned') },
    ...assignees.options.map((o) => ({ value: o.id, label: o.id === assignees.meId ? t('alerts.meNamed', { name: o.label }) : o.label })),
    // The current assignee stays selectable even when the caller cannot list users.
    ...(a?.assigneeId && !assignees.options.some((o) => o.id === a.assigneeId) ? [{ value: a.assigneeId, label: who(a.assigneeId, a.assigneeName ?? undefined) }] : []),
  ];

  return (
    <Drawer open={id !== undefined} onClose={onClose} width={640} title={a ? a.payload.title : t('alerts.detail')} destroyOnHidden>
      {q.error ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : !a ? (
        <SkeletonBlock />
      ) : (
        <Space direction="vertical" style={{ width: '100%' }} size="middle">
          <Descriptions size="small" column={2} bordered>
            <Descriptions.Item label={t('finding.severity')}>
              <SeverityTag severity={a.payload.severity} />
            </Descriptions.Item>
            <Descriptions.Item label={t('alerts.stateLabel')}>
              <StateTag state={a.state} />
            </Descriptions.Item>
            <Descriptions.Item label={t('alerts.rule')}>{a.payload.rule?.name ?? a.ruleId}</Descriptions.Item>
            <Descriptions.Item label={t('alerts.findings')}>{formatNumber(a.payload.total, lang)}</Descriptions.Item>
            <Descriptions.Item label={t('alerts.assignee')}>{a.assigneeId === null ? t('alerts.unassigned') : assignees.nameOf(a.assigneeId, a.assigneeName)}</Descriptions.Item>
            <Descriptions.Item label={t('alerts.delivery')}>
              <DeliveryStatusTag status={a.deliveryStatus} />
            </Descriptions.Item>
            <Descriptions.Item label={t('alerts.note')} span={2}>
              {a.note ?? '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('alerts.changed')} span={2}>
              {a.changedAt ? `${formatDate(a.changedAt, lang)} · ${a.history.at(-1)?.names?.actor ?? actorName(a.changedBy ?? '', assignees)}` : '—'}
            </Descriptions.Item>
          </Descriptions>

          <Card size="small" title={t('alerts.deliveries')}>
            <DeliveriesTable deliveries={a.deliveries} />
          </Card>

          {canUpdate ? (
            <Card size="small" title={t('alerts.change')}>
              {/* Keyed by the last change: the form starts again from the stored values after every save. */}
              <Form<Values> key={`${a.id}-${a.changedAt ?? 'new'}`} layout="vertical" initialValues={{ state: a.state, assignee: a.assigneeId ?? 0 }} onFinish={save} name="alert-workflow">
                <Space wrap align="start">
                  <Form.Item name="state" label={t('alerts.stateLabel')}>
                    <Select style={{ width: 180 }} options={stateOptions.map((s) => ({ value: s, label: t(`alerts.state.${s}`) }))} />
                  </Form.Item>
                  <Form.Item name="assignee" label={t('alerts.assignee')} extra={assignees.full ? undefined : t('alerts.assignSelfOnly')}>
                    <Select style={{ width: 240 }} showSearch optionFilterProp="label" options={assigneeOptions} />
                  </Form.Item>
                </Space>
                <Form.Item name="note" label={t('alerts.note')}>
                  <Input.TextArea rows={2} maxLength={2000} showCount placeholder={t('alerts.notePlaceholder')} />
                </Form.Item>
                <Button type="primary" htmlType="submit" loading={update.isPending}>
                  {t('action.save')}
                </Button>
              </Form>
            </Card>
          ) : null}

          <Card size="small" title={t('alerts.history.title')}>
            {a.history.length === 0 ? (
              <Typography.Text type="secondary">{t('alerts.history.empty')}</Typography.Text>
            ) : (
              <Timeline
                items={a.history.map((e) => ({
                  color: STATE_COLOR[e.state] ?? 'gray',
                  children: (
                    <>
                      <Typography.Text strong>{describe(e).join(' · ')}</Typography.Text>
                      <br />
                      <Typography.Text type="secondary">
                        {formatDate(e.at, lang)} · {e.names?.actor ?? actorName(e.actor, assignees)}
                      </Typography.Text>
                      {e.note ? <Typography.Paragraph style={{ margin: 0 }}>{e.note}</Typography.Paragraph> : null}
                    </>
                  ),
                }))}
              />
            )}
          </Card>
        </Space>
      )}
    </Drawer>
  );
}
