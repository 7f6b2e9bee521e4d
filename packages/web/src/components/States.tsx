import { Button, Empty, Result, Skeleton, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../lib/api.js';

export function Loading() {
  const { t } = useTranslation();
  return (
    <div role="status" aria-live="polite" style={{ padding: 48, textAlign: 'center' }}>
      <Spin tip={t('state.loading')}>
        <div style={{ minHeight: 60 }} />
      </Spin>
    </div>
  );
}

export function SkeletonBlock() {
  return <Skeleton active paragraph={{ rows: 6 }} />;
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const status = error instanceof ApiError ? error.status : 0;
  const title = status === 403 ? t('state.forbidden') : status === 404 ? t('state.notFound') : t('state.error');
  return (
    <Result
      status={status === 403 ? '403' : status === 404 ? '404' : 'error'}
      title={title}
      subTitle={error instanceof Error ? error.message : String(error)}
      extra={onRetry ? <Button onClick={onRetry}>{t('action.retry')}</Button> : null}
    />
  );
}

export function EmptyState({ description }: { description?: string }) {
  const { t } = useTranslation();
  return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={description ?? t('state.empty')} />;
}

/** A designed placeholder for a feature the API does not provide yet. */
export function NotAvailable({ title, detail }: { title: string; detail: string }) {
  const { t } = useTranslation();
  return (
    <div data-testid="not-available">
      <Result status="info" title={title} subTitle={<span>{t('state.notAvailable')} <code>{detail}</code></span>} />
    </div>
  );
}
