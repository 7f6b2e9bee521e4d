import { Button, Select, Space, Tag, Typography } from 'antd';
import { LeftOutlined, RightOutlined, VerticalRightOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { ReactNode } from 'react';
import { PAGE_SIZES, type Paging } from '../lib/filters.js';

export const SEVERITY_COLORS: Record<string, string> = {
  critical: '#a8071a',
  high: '#d4380d',
  medium: '#d48806',
  low: '#1677ff',
  negligible: '#8c8c8c',
  unknown: '#bfbfbf',
};

export function SeverityTag({ severity }: { severity: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={SEVERITY_COLORS[severity] ?? 'default'} style={{ minWidth: 64, textAlign: 'center' }}>
      {t(`severity.${severity}`, { defaultValue: severity })}
    </Tag>
  );
}

export function StatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  const color = status === 'open' ? 'red' : status === 'fixed' ? 'green' : status === 'suppressed' ? 'default' : status === 'risk-accepted' ? 'purple' : 'blue';
  return <Tag color={color}>{t(`status.${status}`, { defaultValue: status })}</Tag>;
}

export function PageTitle({ title, extra, subtitle }: { title: string; extra?: ReactNode; subtitle?: ReactNode }) {
  return (
    <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', marginBottom: 12, gap: 12, flexWrap: 'wrap' }}>
      <div>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {title}
        </Typography.Title>
        {subtitle ? <Typography.Text type="secondary">{subtitle}</Typography.Text> : null}
      </div>
      {extra ? <Space wrap>{extra}</Space> : null}
    </div>
  );
}

/** Server-side cursor paging: first / previous / next, page size. */
export function CursorPager<T extends Paging>({
  state,
  nextCursor,
  onChange,
  onNext,
  onPrev,
  onFirst,
}: {
  state: T;
  nextCursor?: string;
  onChange: (limit: number) => void;
  onNext: () => void;
  onPrev: () => void;
  onFirst: () => void;
}) {
  const { t } = useTranslation();
  const page = state.cursor ? state.back.length + 1 : 1;
  return (
    <Space style={{ marginTop: 12, display: 'flex', justifyContent: 'flex-end' }} wrap>
      <Typography.Text type="secondary">{t('pager.page', { page })}</Typography.Text>
      <Button size="small" icon={<VerticalRightOutlined />} disabled={page === 1} onClick={onFirst} aria-label={t('pager.first')}>
        {t('pager.first')}
      </Button>
      <Button size="small" icon={<LeftOutlined />} disabled={page === 1} onClick={onPrev} aria-label={t('pager.prev')}>
        {t('pager.prev')}
      </Button>
      <Button size="small" disabled={!nextCursor} onClick={onNext} aria-label={t('pager.next')} data-testid="pager-next">
        {t('pager.next')} <RightOutlined />
      </Button>
      <Select
        size="small"
        aria-label={t('pager.size')}
        value={state.limit}
        style={{ width: 120 }}
        options={PAGE_SIZES.map((n) => ({ value: n, label: t('pager.perPage', { n }) }))}
        onChange={onChange}
      />
    </Space>
  );
}
