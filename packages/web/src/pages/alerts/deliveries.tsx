// The deliveries of a fired alert: one per destination of its rule, each with its own status, attempts and error
// (the dispatcher retries each on its own). Tags for the list, a table for the row expansion and the drawer.
import { Table, Tag, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDate, formatNumber } from '../../lib/format.js';
import { useLang } from '../../lib/useLang.js';
import { destinationLabel, type AlertDelivery } from './workflow.js';

export const STATUS_COLOR: Record<string, string> = { pending: 'blue', failed: 'orange', sent: 'green', dead: 'red', none: 'default' };

export function DeliveryStatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  return <Tag color={STATUS_COLOR[status]}>{t(`alerts.status.${status}`, { defaultValue: status })}</Tag>;
}

/** One tag per destination, coloured by its delivery's status; the last error on hover. */
export function DeliveryTags({ deliveries }: { deliveries: AlertDelivery[] }) {
  const { t } = useTranslation();
  if (deliveries.length === 0) return <Typography.Text type="secondary">{t('alerts.status.none')}</Typography.Text>;
  return (
    <>
      {deliveries.map((d) => (
        <Tooltip key={d.id} title={`${t(`alerts.status.${d.status}`, { defaultValue: d.status })}${d.lastError ? ` · ${d.lastError}` : ''}`}>
          <Tag color={STATUS_COLOR[d.status]} style={{ marginBottom: 2 }}>
            {destinationLabel(d)}
          </Tag>
        </Tooltip>
      ))}
    </>
  );
}

/** The deliveries of one alert: destination, status, attempts, when sent, last error. */
export function DeliveriesTable({ deliveries }: { deliveries: AlertDelivery[] }) {
  const { t } = useTranslation();
  const lang = useLang();
  return (
    <Table<AlertDelivery>
      size="small"
      rowKey="id"
      dataSource={deliveries}
      pagination={false}
      locale={{ emptyText: t('alerts.noDeliveries') }}
      columns={[
        {
          title: t('alerts.destination'),
          key: 'dest',
          render: (_: unknown, d) => (
            <>
              {destinationLabel(d)} {d.destinationKind ? <Typography.Text type="secondary">({d.destinationKind})</Typography.Text> : null}
            </>
          ),
        },
        { title: t('finding.status'), dataIndex: 'status', width: 130, render: (v: string) => <DeliveryStatusTag status={v} /> },
        { title: t('alerts.attempts'), dataIndex: 'attempts', width: 90, render: (v: number) => formatNumber(v, lang) },
        { title: t('alerts.sentAt'), dataIndex: 'sentAt', width: 160, render: (v: string | null) => (v ? formatDate(v, lang) : '—') },
        {
          title: t('alerts.lastError'),
          dataIndex: 'lastError',
          ellipsis: true,
          render: (v: string | null) => (v ? <Typography.Text type="danger">{v}</Typography.Text> : '—'),
        },
      ]}
    />
  );
}
