import { Button, Select, Space, Tag, Typography } from 'antd';
import { LeftOutlined, RightOutlined, VerticalRightOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import i18n from 'i18next';
import type { MouseEventHandler, ReactNode } from 'react';
import { PAGE_SIZES, firstPage, nextPage, prevPage, type Paging } from '../lib/filters.js';

export const SEVERITY_COLORS: Record<string, string> = {
  critical: '#a8071a',
  high: '#d4380d',
  medium: '#d48806',
  low: '#1677ff',
  negligible: '#8c8c8c',
  unknown: '#bfbfbf',
};

// Table cells render these hundreds of times per page: they read the shared i18next instance instead of subscribing
// with useTranslation each (the page around them re-renders on a language change).
export function SeverityTag({ severity }: { severity: string }) {
  const t = i18n.t.bind(i18n);
  return (
    <Tag color={SEVERITY_COLORS[severity] ?? 'default'} style={{ minWidth: 64, textAlign: 'center' }}>
      {t(`severity.${severity}`, { defaultValue: severity })}
    </Tag>
  );
}

export function StatusTag({ status }: { status: string }) {
  const t = i18n.t.bind(i18n);
  const color = status === 'open' ? 'red' : status === 'fixed' ? 'green' : status === 'suppressed' ? 'default' : status === 'risk-accepted' ? 'purple' : 'blue';
  return <Tag color={color}>{t(`status.${status}`, { defaultValue: status })}</Tag>;
}

/** A link-styled native button for in-table actions (keyboard and screen readers treat it as a button; no Ant Button cost per row). */
export function LinkButton({ onClick, children, ...rest }: { onClick: MouseEventHandler<HTMLButtonElement>; children: ReactNode; 'data-testid'?: string; 'aria-label'?: string }) {
  return (
    <button type="button" className="bw-link-button" onClick={onClick} {...rest}>
      {children}
    </button>
  );
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
export function CursorPager<T extends Paging>({ state, nextCursor, onState }: { state: T; nextCursor?: string; onState: (next: T) => void }) {
  const onChange = (limit: number) => onState(firstPage({ ...state, limit }));
  const onNext = () => nextCursor && onState(nextPage(state, nextCursor));
  const onPrev = () => onState(prevPage(state));
  const onFirst = () => onState(firstPage(state));
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
