import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Input, Space, Table, Typography } from 'antd';
import { SafetyOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { get } from '../lib/api.js';
import { firstPage, nextPage, parseSimple, prevPage, simpleToSearch } from '../lib/filters.js';
import { formatDate, formatNumber } from '../lib/format.js';
import { useLang } from '../lib/useLang.js';
import { useUrlState } from '../lib/useUrlState.js';
import { EmptyState, ErrorState } from '../components/States.js';
import { CursorPager, PageTitle } from '../components/common.js';

interface Entry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target?: string | null;
  details?: Record<string, unknown> | null;
  hash: string;
}

const parse = (sp: URLSearchParams) => parseSimple(sp, ['q'], 50);
const serialize = (v: ReturnType<typeof parse>) => simpleToSearch(v, 50);

export default function Audit() {
  const { t } = useTranslation();
  const lang = useLang();
  const [f, setF] = useUrlState(parse, serialize);
  const [q, setQ] = useState(f.values.q ?? '');
  // the audit API pages by sequence number: the cursor is the last seq of the previous page
  const apiQ = new URLSearchParams({ limit: String(f.limit) });
  if (f.cursor) apiQ.set('afterSeq', f.cursor);
  const list = useQuery({ queryKey: ['audit', apiQ.toString()], queryFn: () => get<{ items: Entry[] }>('/api/v1/audit', apiQ), placeholderData: keepPreviousData });
  const verify = useQuery({ queryKey: ['audit-verify'], queryFn: () => get<{ ok: boolean; checked?: number; reason?: string }>('/api/v1/audit/verify'), enabled: false });
  const items = list.data?.items ?? [];
  const next = items.length === f.limit ? String(items[items.length - 1].seq) : undefined;
  const needle = (f.values.q ?? '').toLowerCase();
  const rows = needle ? items.filter((e) => `${e.actor} ${e.action} ${e.target ?? ''}`.toLowerCase().includes(needle)) : items;
  return (
    <>
      <PageTitle
        title={t('audit.title')}
        subtitle={t('audit.subtitle')}
        extra={
          <Button icon={<SafetyOutlined />} onClick={() => void verify.refetch()} loading={verify.isFetching}>
            {t('audit.verify')}
          </Button>
        }
      />
      {verify.data ? (
        <Alert
          style={{ marginBottom: 12 }}
          showIcon
          type={verify.data.ok ? 'success' : 'error'}
          message={verify.data.ok ? t('audit.verifyOk', { count: verify.data.checked ?? 0 }) : t('audit.verifyBroken')}
          description={verify.data.reason}
        />
      ) : null}
      {verify.error ? <Alert style={{ marginBottom: 12 }} showIcon type="error" message={verify.error.message} /> : null}
      <Card size="small" style={{ marginBottom: 12 }}>
        <Space>
          <Input.Search allowClear style={{ width: 320 }} placeholder={t('audit.search')} aria-label={t('audit.search')} value={q} onChange={(e) => setQ(e.target.value)} onSearch={(v) => setF({ ...f, values: { ...f.values, q: v.trim() } })} />
          {needle ? <Typography.Text type="secondary">{t('assets.searchNote')}</Typography.Text> : null}
        </Space>
      </Card>
      {list.error ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Table<Entry>
          size="small"
          rowKey="seq"
          loading={list.isFetching}
          dataSource={rows}
          pagination={false}
          locale={{ emptyText: <EmptyState description={t('audit.empty')} /> }}
          expandable={{ expandedRowRender: (e) => <pre style={{ margin: 0, fontSize: 12 }}>{JSON.stringify({ details: e.details, hash: e.hash }, null, 2)}</pre> }}
          columns={[
            { title: '#', dataIndex: 'seq', width: 70, render: (v: number) => formatNumber(v, lang, 0) },
            { title: t('audit.at'), dataIndex: 'at', width: 180, render: (v: string) => formatDate(v, lang) },
            { title: t('audit.actor'), dataIndex: 'actor', width: 220 },
            { title: t('audit.action'), dataIndex: 'action', width: 180, render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
            { title: t('audit.target'), dataIndex: 'target', ellipsis: true, render: (v: string | null) => v ?? '—' },
          ]}
        />
      )}
      <CursorPager
        state={f}
        nextCursor={next}
        onChange={(limit) => setF(firstPage({ ...f, limit }))}
        onNext={() => next && setF(nextPage(f, next))}
        onPrev={() => setF(prevPage(f))}
        onFirst={() => setF(firstPage(f))}
      />
    </>
  );
}
