import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Input, InputNumber, Select, Space, Table, Tag, Typography } from 'antd';
import type { TableProps } from 'antd';
import { ClearOutlined, FireOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, get, type Finding, type Page, type Summary } from '../lib/api.js';
import {
  DEFAULT_FINDING_FILTERS,
  FINDING_TYPES,
  GROUP_BYS,
  SEVERITIES,
  STATUSES,
  findingFiltersToApi,
  findingFiltersToSearch,
  firstPage,
  parseFindingFilters,
  type FindingFilters,
  type SortKey,
} from '../lib/filters.js';
import { formatDate, formatNumber } from '../lib/format.js';
import { useLang } from '../lib/useLang.js';
import { useUrlState } from '../lib/useUrlState.js';
import { useCan } from '../auth.js';
import { EmptyState, ErrorState } from '../components/States.js';
import { CursorPager, LinkButton, PageTitle, SeverityTag, StatusTag } from '../components/common.js';
import { FindingDrawer, packageOf } from '../components/FindingDrawer.js';
import { TriageModal, type TriageTarget } from '../components/TriageModal.js';
import { FindingGroups } from './vulns/FindingGroups.js';

export default function Vulnerabilities() {
  const { t } = useTranslation();
  const lang = useLang();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const canTriage = useCan('finding.triage');
  const [f, setF] = useUrlState(parseFindingFilters, findingFiltersToSearch);
  const update = (patch: Partial<FindingFilters>) => setF(firstPage({ ...f, ...patch }));
  const [selected, setSelected] = useState<number[]>([]);
  const [triage, setTriage] = useState<TriageTarget>();
  const [detail, setDetail] = useState<number>();
  const [ruleText, setRuleText] = useState(f.ruleId ?? '');
  const [packageText, setPackageText] = useState(f.package ?? '');
  const [targetText, setTargetText] = useState(f.target ?? '');

  const apiQ = findingFiltersToApi(f);
  const list = useQuery({ queryKey: ['findings', 'list', apiQ.toString()], queryFn: () => get<Page<Finding>>('/api/v1/findings', apiQ), placeholderData: keepPreviousData });
  const sumQ = findingFiltersToApi(f, false);
  const summary = useQuery({ queryKey: ['summary', sumQ.toString()], queryFn: () => get<Summary>('/api/v1/findings/summary', sumQ) });
  const reopen = useMutation({
    mutationFn: (id: number) => api('PATCH', `/api/v1/findings/${id}/status`, { status: 'open' }),
    onSuccess: async () => {
      message.success(t('triage.reopened'));
      await qc.invalidateQueries({ queryKey: ['findings'] });
      await qc.invalidateQueries({ queryKey: ['summary'] });
    },
    onError: (e) => message.error(e.message),
  });

  const sortOrder = (k: SortKey) => (f.sort === k ? (f.dir === 'asc' ? 'ascend' : 'descend') : null);
  const columns: TableProps<Finding>['columns'] = [
    { title: t('finding.priority'), dataIndex: ['priority', 'score'], key: 'priority', width: 90, sorter: true, sortOrder: sortOrder('priority'), render: (v: number) => <strong>{formatNumber(v, lang)}</strong> },
    { title: t('finding.severity'), dataIndex: 'severity', key: 'severity', width: 110, sorter: true, sortOrder: sortOrder('severity'), render: (v: string) => <SeverityTag severity={v} /> },
    {
      title: t('finding.rule'),
      dataIndex: 'ruleId',
      key: 'ruleId',
      width: 190,
      render: (v: string, r) => (
        <span className="bw-rule-cell">
          <LinkButton onClick={() => setDetail(r.id)}>{v}</LinkButton>
          {r.kev ? (
            <Tag color="red" icon={<FireOutlined />} title={t('finding.kevHint')}>
              KEV
            </Tag>
          ) : null}
        </span>
      ),
    },
    { title: t('finding.title'), dataIndex: 'title', key: 'title', ellipsis: true, width: 280 },
    {
      title: t('finding.package'),
      key: 'package',
      width: 200,
      ellipsis: true,
      render: (_: unknown, r) => {
        const p = packageOf(r);
        return p ? (
          <LinkButton onClick={() => { setPackageText(p.key); update({ package: p.key }); }} aria-label={t('vulns.filterPackage', { name: `${p.name} ${p.version}` })}>
            {p.name} {p.version}
          </LinkButton>
        ) : (
          ((r.payload.resource as string | undefined) ?? '—')
        );
      },
    },
    {
      title: t('finding.asset'),
      key: 'asset',
      width: 220,
      ellipsis: true,
      render: (_: unknown, r) => (r.asset?.kind === 'image' ? <Link to={`/images/${r.asset.id}`}>{r.asset.key}</Link> : r.asset ? <Link to={`/assets/${r.asset.id}`}>{r.asset.key}</Link> : r.target),
    },
    { title: t('finding.fix'), dataIndex: 'fixAvailable', key: 'fix', width: 70, render: (v: boolean) => (v ? <Tag color="green">{t('common.yes')}</Tag> : <Tag>{t('common.no')}</Tag>) },
    { title: t('finding.status'), dataIndex: 'status', key: 'status', width: 110, render: (v: string) => <StatusTag status={v} /> },
    { title: t('finding.lastSeen'), dataIndex: 'lastSeen', key: 'lastSeen', width: 160, sorter: true, sortOrder: sortOrder('lastSeen'), render: (v: string) => formatDate(v, lang) },
    ...(canTriage
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            width: 90,
            render: (_: unknown, r: Finding) =>
              r.status === 'suppressed' || r.status === 'risk-accepted' ? (
                <Button size="small" onClick={() => reopen.mutate(r.id)} loading={reopen.isPending && reopen.variables === r.id}>
                  {t('triage.reopen')}
                </Button>
              ) : null,
          },
        ]
      : []),
  ];

  const items = list.data?.items ?? [];

  const onTable: TableProps<Finding>['onChange'] = (_p, _f, sorter) => {
    const s = Array.isArray(sorter) ? sorter[0] : sorter;
    const key = (s?.columnKey as SortKey | undefined) ?? undefined;
    if (!s?.order || !key) update({ sort: DEFAULT_FINDING_FILTERS.sort, dir: DEFAULT_FINDING_FILTERS.dir });
    else update({ sort: key, dir: s.order === 'ascend' ? 'asc' : 'desc' });
  };
  const table = (rows: Finding[], withSelection: boolean, loading = list.isFetching) => (
    <Table<Finding>
      size="small"
      rowKey="id"
      columns={columns}
      dataSource={rows}
      loading={loading}
      pagination={false}
      onChange={onTable}
      scroll={{ x: 1600 }}
      locale={{ emptyText: <EmptyState description={t('vulns.empty')} /> }}
      rowSelection={withSelection && canTriage ? { selectedRowKeys: selected, onChange: (k) => setSelected(k as number[]), preserveSelectedRowKeys: true } : undefined}
      data-testid="findings-table"
    />
  );

  const pager = (nextCursor: string | undefined) => (
    <CursorPager
      state={f}
      nextCursor={nextCursor}
      onState={setF}
    />
  );
  const anyOption = { value: '', label: t('common.any') };
  const yesNo = [anyOption, { value: 'true', label: t('common.yes') }, { value: 'false', label: t('common.no') }];
  return (
    <>
      <PageTitle
        title={t('vulns.title')}
        subtitle={summary.data ? t('vulns.matching', { count: summary.data.total, n: formatNumber(summary.data.total, lang) }) : t('vulns.subtitle')}
        extra={
          canTriage ? (
            <Button type="primary" disabled={selected.length === 0} onClick={() => setTriage({ ids: selected })} data-testid="bulk-suppress">
              {t('triage.bulk', { count: selected.length })}
            </Button>
          ) : null
        }
      />
      <Card size="small" style={{ marginBottom: 12 }}>
        <Space wrap align="end">
          <Field label={t('finding.severity')}>
            <Select mode="multiple" allowClear style={{ minWidth: 180 }} value={f.severity} placeholder={t('common.all')} onChange={(v) => update({ severity: v })} options={SEVERITIES.map((s) => ({ value: s, label: t(`severity.${s}`) }))} aria-label={t('finding.severity')} />
          </Field>
          <Field label={t('finding.status')}>
            <Select mode="multiple" allowClear style={{ minWidth: 180 }} value={f.status} placeholder={t('common.all')} onChange={(v) => update({ status: v })} options={STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))} aria-label={t('finding.status')} data-testid="filter-status" />
          </Field>
          <Field label={t('finding.type')}>
            <Select mode="multiple" allowClear style={{ minWidth: 150 }} value={f.type} placeholder={t('common.all')} onChange={(v) => update({ type: v })} options={FINDING_TYPES.map((s) => ({ value: s, label: t(`type.${s}`) }))} aria-label={t('finding.type')} />
          </Field>
          <Field label={t('finding.kev')}>
            <Select style={{ width: 100 }} value={f.kev === undefined ? '' : String(f.kev)} onChange={(v) => update({ kev: v === '' ? undefined : v === 'true' })} options={yesNo} aria-label={t('finding.kev')} data-testid="filter-kev" />
          </Field>
          <Field label={t('finding.fixAvailable')}>
            <Select style={{ width: 100 }} value={f.fixAvailable === undefined ? '' : String(f.fixAvailable)} onChange={(v) => update({ fixAvailable: v === '' ? undefined : v === 'true' })} options={yesNo} aria-label={t('finding.fixAvailable')} />
          </Field>
          <Field label={t('finding.rule')}>
            <Input.Search allowClear style={{ width: 190 }} placeholder="CVE-2024-…" value={ruleText} onChange={(e) => setRuleText(e.target.value)} onSearch={(v) => update({ ruleId: v.trim() || undefined })} aria-label={t('finding.rule')} />
          </Field>
          <Field label={t('finding.package')}>
            <Input.Search allowClear style={{ width: 220 }} placeholder="pkg:deb/debian/openssl@3.0.11-1" value={packageText} onChange={(e) => setPackageText(e.target.value)} onSearch={(v) => update({ package: v.trim() || undefined })} aria-label={t('finding.package')} data-testid="filter-package" />
          </Field>
          <Field label={t('finding.target')}>
            <Input.Search allowClear style={{ width: 220 }} placeholder="image:registry/app:1" value={targetText} onChange={(e) => setTargetText(e.target.value)} onSearch={(v) => update({ target: v.trim() || undefined })} aria-label={t('finding.target')} />
          </Field>
          <Field label={t('finding.assetId')}>
            <InputNumber min={1} style={{ width: 100 }} value={f.assetId ?? null} onChange={(v) => update({ assetId: typeof v === 'number' ? v : undefined })} aria-label={t('finding.assetId')} />
          </Field>
          <Field label={t('vulns.groupBy')}>
            <Select style={{ width: 130 }} value={f.group} onChange={(v) => setF(firstPage({ ...f, group: v }))} options={GROUP_BYS.map((g) => ({ value: g, label: t(`vulns.group.${g}`) }))} aria-label={t('vulns.groupBy')} />
          </Field>
          <Button
            icon={<ClearOutlined />}
            onClick={() => {
              setRuleText('');
              setPackageText('');
              setTargetText('');
              setF(DEFAULT_FINDING_FILTERS);
            }}
          >
            {t('action.reset')}
          </Button>
        </Space>
        {summary.data ? (
          <div style={{ marginTop: 8 }}>
            <Space wrap size={[4, 4]}>
              {SEVERITIES.filter((s) => (summary.data.bySeverity[s] ?? 0) > 0).map((s) => (
                <Tag key={s} style={{ cursor: 'pointer' }} onClick={() => update({ severity: [s] })}>
                  {t(`severity.${s}`)}: {formatNumber(summary.data.bySeverity[s], lang)}
                </Tag>
              ))}
              <Tag color="red">KEV: {formatNumber(summary.data.kev, lang)}</Tag>
              <Tag color="green">
                {t('finding.fixAvailable')}: {formatNumber(summary.data.fixAvailable, lang)}
              </Tag>
            </Space>
          </div>
        ) : null}
      </Card>
      {list.error ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : f.group === 'none' ? (
        <>
          {table(items, true)}
          {pager(list.data?.nextCursor)}
        </>
      ) : (
        <FindingGroups f={f} paging={pager} renderFindings={(rows, loading) => table(rows, false, loading)} onSuppress={canTriage ? (g) => setTriage(g) : undefined} />
      )}
      {/* Mounted only while open: its form (date picker, radios, text area) is not part of the list's first render. */}
      {triage ? (
        <TriageModal
          target={triage}
          open
          onClose={(done) => {
            if (done && 'ids' in triage) setSelected([]);
            setTriage(undefined);
          }}
        />
      ) : null}
      <FindingDrawer id={detail} onClose={() => setDetail(undefined)} />
    </>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {label}
      </Typography.Text>
      {children}
    </div>
  );
}
