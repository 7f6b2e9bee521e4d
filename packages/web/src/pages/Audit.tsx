import { useEffect, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Input, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { SafetyOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { get } from '../lib/api.js';
import { firstPage, parseSimple, simpleToSearch } from '../lib/filters.js';
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

const parse = (sp: URLSearchParams) => parseSimple(sp, ['q', 'action', 'actor'], 50);
const serialize = (v: ReturnType<typeof parse>) => simpleToSearch(v, 50);

export default function Audit() {
  const { t } = useTranslation();
  const lang = useLang();
  const [f, setF] = useUrlState(parse, serialize);
  const [q, setQ] = useState(f.values.q ?? '');
  // the box follows the URL (back/forward, a shared link)
  useEffect(() => setQ(f.values.q ?? ''), [f.values.q]);
  /** Sets (or with '' clears) one filter; the list starts again at its first page. */
  const filter = (key: 'q' | 'action' | 'actor', v: string) => {
    const values = { ...f.values };
    if (v) values[key] = v;
    else delete values[key];
    setF(firstPage({ ...f, values }));
  };
  // the audit API pages by sequence number: the cursor is the last seq of the previous page; q, action and actor
  // are searched by the server, so pages hold matches only
  const apiQ = new URLSearchParams({ limit: String(f.limit) });
  for (const k of ['q', 'action', 'actor'] as const) if (f.values[k]) apiQ.set(k, f.values[k]);
  if (f.cursor) apiQ.set('afterSeq', f.cursor);
  const list = useQuery({ queryKey: ['audit', apiQ.toString()], queryFn: () => get<{ items: Entry[] }>('/api/v1/audit', apiQ), placeholderData: keepPreviousData });
  const verify = useQuery({ queryKey: ['audit-verify'], queryFn: () => get<{ ok: boolean; checked?: number; reason?: string }>('/api/v1/audit/verify'), enabled: false });
  const items = list.data?.items ?? [];
  const next = items.length === f.limit ? String(items[items.length - 1].seq) : undefined;
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
        <Space wrap>
          <Input.Search
            allowClear
            style={{ width: 320 }}
            maxLength={200}
            placeholder={t('audit.search')}
            aria-label={t('audit.search')}
            value={q}
            onChange={(e) => setQ(e.target.value)}
            onSearch={(v) => filter('q', v.trim())}
          />
          {(['action', 'actor'] as const).map((k) =>
            f.values[k] ? (
              <Tag key={k} closable onClose={() => filter(k, '')}>
                {t(`audit.${k}`)}: {f.values[k]}
              </Tag>
            ) : null,
          )}
        </Space>
      </Card>
      {list.error ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Table<Entry>
          size="small"
          rowKey="seq"
          loading={list.isFetching}
          dataSource={items}
          pagination={false}
          locale={{ emptyText: <EmptyState description={t('audit.empty')} /> }}
          expandable={{ expandedRowRender: (e) => <pre style={{ margin: 0, fontSize: 12 }}>{JSON.stringify({ details: e.details, hash: e.hash }, null, 2)}</pre> }}
          columns={[
            { title: '#', dataIndex: 'seq', width: 70, render: (v: number) => formatNumber(v, lang, 0) },
            { title: t('audit.at'), dataIndex: 'at', width: 180, render: (v: string) => formatDate(v, lang) },
            {
              title: t('audit.actor'),
              dataIndex: 'actor',
              width: 220,
              render: (v: string) => (
                <Tooltip title={t('audit.onlyActor')}>
                  <Typography.Link onClick={() => filter('actor', v)}>{v}</Typography.Link>
                </Tooltip>
              ),
            },
            {
              title: t('audit.action'),
              dataIndex: 'action',
              width: 180,
              render: (v: string) => (
                <Tooltip title={t('audit.onlyAction')}>
                  <Typography.Link onClick={() => filter('action', v)}>
                    <Typography.Text code>{v}</Typography.Text>
                  </Typography.Link>
                </Tooltip>
              ),
            },
            { title: t('audit.target'), dataIndex: 'target', ellipsis: true, render: (v: string | null) => v ?? '—' },
          ]}
        />
      )}
      <CursorPager
        state={f}
        nextCursor={next}
        onState={setF}
      />
    </>
  );
}
