import { useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, DatePicker, Form, Input, Modal, Popconfirm, Select, Space, Switch, Tabs, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api, get } from '../lib/api.js';
import { ROLES } from '../lib/roles.js';
import { SEVERITIES, FINDING_TYPES } from '../lib/filters.js';
import { formatDate } from '../lib/format.js';
import { useLang } from '../lib/useLang.js';
import { useCan, useMe } from '../auth.js';
import { ErrorState } from '../components/States.js';
import { PageTitle } from '../components/common.js';
import { SettingsTable } from './settings/SettingsTable.js';
import { TenantsTab } from './settings/TenantsTab.js';
import { RetentionTab } from './settings/RetentionTab.js';

interface User {
  id: number;
  email: string;
  name: string | null;
  role: string;
  assetGroups: number[];
  hasPassword: boolean;
  disabled?: boolean;
  createdAt: string;
}
interface Token {
  id: number;
  name: string;
  prefix: string;
  role: string;
  createdAt: string;
  lastUsedAt?: string | null;
  expiresAt?: string | null;
  revokedAt?: string | null;
}
interface Group {
  id: number;
  name: string;
  createdAt: string;
}
interface Rule {
  id: number;
  name: string;
  enabled: boolean;
  match: { minSeverity?: string; severities?: string[]; types?: string[]; kev?: boolean };
  destinationIds: number[];
  rateLimitSeconds: number;
}
interface Destination {
  id: number;
  kind: string;
  name: string;
  config: Record<string, unknown>;
  createdAt: string;
}

const TABS = ['users', 'tokens', 'rules', 'destinations', 'groups', 'tenants', 'retention'] as const;
const DEST_KINDS = ['webhook', 'slack', 'dingtalk', 'wecom', 'feishu', 'email', 'syslog', 'cef'] as const;

function useInvalidate() {
  const qc = useQueryClient();
  return (key: string) => qc.invalidateQueries({ queryKey: [key] });
}

function useAct<V>(fn: (v: V) => Promise<unknown>, key: string, ok: string) {
  const { message } = App.useApp();
  const inv = useInvalidate();
  return useMutation({
    mutationFn: fn,
    onSuccess: async () => {
      message.success(ok);
      await inv(key);
    },
    onError: (e) => message.error(e.message),
  });
}

function DeleteButton({ onConfirm, label }: { onConfirm: () => void; label?: string }) {
  const { t } = useTranslation();
  return (
    <Popconfirm title={t('common.confirmDelete')} onConfirm={onConfirm} okText={t('common.yes')} cancelText={t('common.no')}>
      <Button size="small" danger>
        {label ?? t('action.delete')}
      </Button>
    </Popconfirm>
  );
}

function Users() {
  const { t } = useTranslation();
  const lang = useLang();
  const canCreate = useCan('user.create');
  const list = useQuery({ queryKey: ['users'], queryFn: () => get<{ items: User[] }>('/api/v1/users') });
  const groups = useQuery({ queryKey: ['asset-groups'], queryFn: () => get<{ items: Group[] }>('/api/v1/asset-groups') });
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ email: string; name?: string; role: string; password?: string; assetGroups?: number[] }>();
  const create = useAct((v: { email: string; name?: string; role: string; password?: string; assetGroups?: number[] }) => api('POST', '/api/v1/users', { ...v, name: v.name || undefined, password: v.password || undefined }), 'users', t('common.saved'));
  const update = useAct(({ id, ...body }: { id: number } & Record<string, unknown>) => api('PATCH', `/api/v1/users/${id}`, body), 'users', t('common.saved'));
  const groupName = new Map((groups.data?.items ?? []).map((g) => [g.id, g.name]));
  if (list.error) return <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  return (
    <>
      {canCreate ? (
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)} style={{ marginBottom: 12 }}>
          {t('settings.users.create')}
        </Button>
      ) : null}
      <SettingsTable<User>
        list={list}
        columns={[
          { title: t('login.email'), dataIndex: 'email' },
          { title: t('settings.users.name'), dataIndex: 'name', render: (v: string | null) => v ?? '—' },
          {
            title: t('settings.role'),
            dataIndex: 'role',
            width: 150,
            render: (v: string, u) => <Select size="small" value={v} style={{ width: 130 }} aria-label={t('settings.role')} onChange={(role) => update.mutate({ id: u.id, role })} options={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))} />,
          },
          { title: t('settings.users.groups'), dataIndex: 'assetGroups', render: (v: number[]) => (v.length ? v.map((g) => <Tag key={g}>{groupName.get(g) ?? g}</Tag>) : <Typography.Text type="secondary">{t('settings.users.allAssets')}</Typography.Text>) },
          { title: t('settings.users.login'), dataIndex: 'hasPassword', width: 110, render: (v: boolean) => (v ? t('settings.users.local') : 'OIDC') },
          { title: t('settings.created'), dataIndex: 'createdAt', width: 170, render: (v: string) => formatDate(v, lang) },
          { title: t('settings.users.enabled'), dataIndex: 'disabled', width: 90, render: (v: boolean | undefined, u) => <Switch size="small" checked={!v} aria-label={t('settings.users.enabled')} onChange={(on) => update.mutate({ id: u.id, disabled: !on })} /> },
        ]}
      />
      <Modal open={open} title={t('settings.users.create')} onCancel={() => setOpen(false)} onOk={() => form.submit()} okText={t('action.save')} cancelText={t('action.cancel')} confirmLoading={create.isPending} forceRender>
        <Form
          form={form}
          layout="vertical"
          initialValues={{ role: 'developer' }}
          onFinish={(v) =>
            create.mutate(v, {
              onSuccess: () => {
                setOpen(false);
                form.resetFields();
              },
            })
          }
        >
          <Form.Item name="email" label={t('login.email')} rules={[{ required: true, type: 'email', message: t('common.required') }]}>
            <Input />
          </Form.Item>
          <Form.Item name="name" label={t('settings.users.name')}>
            <Input />
          </Form.Item>
          <Form.Item name="role" label={t('settings.role')}>
            <Select options={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))} />
          </Form.Item>
          <Form.Item name="password" label={t('login.password')} extra={t('settings.users.passwordHint')} rules={[{ min: 12, message: t('settings.users.passwordHint') }]}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item name="assetGroups" label={t('settings.users.groups')} extra={t('settings.users.groupsHint')}>
            <Select mode="multiple" options={(groups.data?.items ?? []).map((g) => ({ value: g.id, label: g.name }))} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

function Tokens() {
  const { t } = useTranslation();
  const lang = useLang();
  const { message } = App.useApp();
  const inv = useInvalidate();
  const list = useQuery({ queryKey: ['tokens'], queryFn: () => get<{ items: Token[] }>('/api/v1/tokens') });
  const [open, setOpen] = useState(false);
  const [secret, setSecret] = useState<string>();
  const [form] = Form.useForm<{ name: string; role: string; expiresAt?: Dayjs }>();
  const create = useMutation({
    mutationFn: (v: { name: string; role: string; expiresAt?: Dayjs }) => api<{ token: string }>('POST', '/api/v1/tokens', { name: v.name, role: v.role, ...(v.expiresAt ? { expiresAt: v.expiresAt.endOf('day').toISOString() } : {}) }),
    onSuccess: async (r) => {
      setOpen(false);
      form.resetFields();
      setSecret(r.token);
      await inv('tokens');
    },
    onError: (e) => message.error(e.message),
  });
  const revoke = useAct((id: number) => api('DELETE', `/api/v1/tokens/${id}`), 'tokens', t('settings.tokens.revoked'));
  if (list.error) return <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  return (
    <>
      <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)} style={{ marginBottom: 12 }} data-testid="token-create">
        {t('settings.tokens.create')}
      </Button>
      <SettingsTable<Token>
        list={list}
        columns={[
          { title: t('settings.tokens.name'), dataIndex: 'name' },
          { title: t('settings.tokens.prefix'), dataIndex: 'prefix', render: (v: string) => <Typography.Text code>{v}…</Typography.Text> },
          { title: t('settings.role'), dataIndex: 'role', render: (v: string) => <Tag>{t(`roles.${v}`, { defaultValue: v })}</Tag> },
          { title: t('settings.created'), dataIndex: 'createdAt', render: (v: string) => formatDate(v, lang) },
          { title: t('settings.tokens.lastUsed'), dataIndex: 'lastUsedAt', render: (v: string | null) => formatDate(v, lang) },
          { title: t('triage.expiresAt'), dataIndex: 'expiresAt', render: (v: string | null) => (v ? formatDate(v, lang) : t('settings.tokens.never')) },
          { title: t('common.actions'), key: 'a', render: (_: unknown, r) => (r.revokedAt ? <Tag>{t('settings.tokens.revokedTag')}</Tag> : <DeleteButton label={t('settings.tokens.revoke')} onConfirm={() => revoke.mutate(r.id)} />) },
        ]}
      />
      <Modal open={open} title={t('settings.tokens.create')} onCancel={() => setOpen(false)} onOk={() => form.submit()} okText={t('action.save')} cancelText={t('action.cancel')} confirmLoading={create.isPending} okButtonProps={{ 'data-testid': 'token-submit' } as Record<string, string>} forceRender>
        <Form form={form} layout="vertical" initialValues={{ role: 'developer' }} onFinish={(v) => create.mutate(v)} name="token">
          <Form.Item name="name" label={t('settings.tokens.name')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
            <Input maxLength={200} data-testid="token-name" />
          </Form.Item>
          <Form.Item name="role" label={t('settings.role')}>
            <Select options={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))} />
          </Form.Item>
          <Form.Item name="expiresAt" label={t('triage.expiresAt')}>
            <DatePicker style={{ width: '100%' }} disabledDate={(d) => d.isBefore(new Date(), 'day')} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal open={secret !== undefined} title={t('settings.tokens.created')} onCancel={() => setSecret(undefined)} onOk={() => setSecret(undefined)} okText={t('action.done')} cancelButtonProps={{ style: { display: 'none' } }}>
        <Alert type="warning" showIcon message={t('settings.tokens.once')} style={{ marginBottom: 12 }} />
        <Typography.Paragraph copyable={{ text: secret }} code data-testid="token-secret">
          {secret}
        </Typography.Paragraph>
      </Modal>
    </>
  );
}

function Rules() {
  const { t } = useTranslation();
  const canCreate = useCan('alertRule.create');
  const canUpdate = useCan('alertRule.update');
  const canDelete = useCan('alertRule.delete');
  const list = useQuery({ queryKey: ['alert-rules'], queryFn: () => get<{ items: Rule[] }>('/api/v1/alert-rules') });
  const dests = useQuery({ queryKey: ['alert-destinations'], queryFn: () => get<{ items: Destination[] }>('/api/v1/alert-destinations') });
  const [open, setOpen] = useState(false);
  type V = { name: string; minSeverity?: string; types?: string[]; kev?: boolean; destinationIds: number[] };
  const [form] = Form.useForm<V>();
  const create = useAct(
    (v: V) =>
      api('POST', '/api/v1/alert-rules', {
        name: v.name,
        destinationIds: v.destinationIds,
        match: { ...(v.minSeverity ? { minSeverity: v.minSeverity } : {}), ...(v.types?.length ? { types: v.types } : {}), ...(v.kev ? { kev: true } : {}) },
      }),
    'alert-rules',
    t('common.saved'),
  );
  const patch = useAct(({ id, ...b }: { id: number; enabled: boolean }) => api('PATCH', `/api/v1/alert-rules/${id}`, b), 'alert-rules', t('common.saved'));
  const del = useAct((id: number) => api('DELETE', `/api/v1/alert-rules/${id}`), 'alert-rules', t('common.deleted'));
  const destName = new Map((dests.data?.items ?? []).map((d) => [d.id, d.name]));
  if (list.error) return <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  return (
    <>
      {canCreate ? (
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)} style={{ marginBottom: 12 }}>
          {t('settings.rules.create')}
        </Button>
      ) : null}
      <SettingsTable<Rule>
        list={list}
        columns={[
          { title: t('settings.rules.name'), dataIndex: 'name' },
          {
            title: t('settings.rules.match'),
            dataIndex: 'match',
            render: (m: Rule['match']) => (
              <Space size={4} wrap>
                {m.minSeverity ? <Tag>≥ {t(`severity.${m.minSeverity}`)}</Tag> : null}
                {(m.severities ?? []).map((s) => (
                  <Tag key={s}>{t(`severity.${s}`)}</Tag>
                ))}
                {(m.types ?? []).map((s) => (
                  <Tag key={s}>{t(`type.${s}`)}</Tag>
                ))}
                {m.kev ? <Tag color="red">KEV</Tag> : null}
              </Space>
            ),
          },
          { title: t('settings.rules.destinations'), dataIndex: 'destinationIds', render: (v: number[]) => v.map((d) => <Tag key={d}>{destName.get(d) ?? d}</Tag>) },
          { title: t('reports.enabled'), dataIndex: 'enabled', width: 90, render: (v: boolean, r) => <Switch size="small" checked={v} disabled={!canUpdate} aria-label={t('reports.enabled')} onChange={(on) => patch.mutate({ id: r.id, enabled: on })} /> },
          ...(canDelete ? [{ title: t('common.actions'), key: 'a', width: 100, render: (_: unknown, r: Rule) => <DeleteButton onConfirm={() => del.mutate(r.id)} /> }] : []),
        ]}
      />
      <Modal open={open} title={t('settings.rules.create')} onCancel={() => setOpen(false)} onOk={() => form.submit()} okText={t('action.save')} cancelText={t('action.cancel')} confirmLoading={create.isPending} forceRender>
        <Form
          form={form}
          layout="vertical"
          initialValues={{ minSeverity: 'high' }}
          onFinish={(v) =>
            create.mutate(v, {
              onSuccess: () => {
                setOpen(false);
                form.resetFields();
              },
            })
          }
        >
          <Form.Item name="name" label={t('settings.rules.name')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
            <Input />
          </Form.Item>
          <Form.Item name="minSeverity" label={t('settings.rules.minSeverity')}>
            <Select allowClear options={SEVERITIES.map((s) => ({ value: s, label: t(`severity.${s}`) }))} />
          </Form.Item>
          <Form.Item name="types" label={t('finding.type')}>
            <Select mode="multiple" options={FINDING_TYPES.map((s) => ({ value: s, label: t(`type.${s}`) }))} />
          </Form.Item>
          <Form.Item name="kev" label={t('settings.rules.kevOnly')} valuePropName="checked">
            <Switch />
          </Form.Item>
          <Form.Item name="destinationIds" label={t('settings.rules.destinations')} rules={[{ required: true, message: t('common.required') }]}>
            <Select mode="multiple" options={(dests.data?.items ?? []).map((d) => ({ value: d.id, label: `${d.name} (${d.kind})` }))} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

function Destinations() {
  const { t } = useTranslation();
  const lang = useLang();
  const { message } = App.useApp();
  const canCreate = useCan('destination.create');
  const list = useQuery({ queryKey: ['alert-destinations'], queryFn: () => get<{ items: Destination[] }>('/api/v1/alert-destinations') });
  const [open, setOpen] = useState(false);
  type V = { kind: string; name: string; config: string };
  const [form] = Form.useForm<V>();
  const create = useAct((v: V) => api('POST', '/api/v1/alert-destinations', { kind: v.kind, name: v.name, config: JSON.parse(v.config) as unknown }), 'alert-destinations', t('common.saved'));
  const del = useAct((id: number) => api('DELETE', `/api/v1/alert-destinations/${id}`), 'alert-destinations', t('common.deleted'));
  const test = useMutation({
    mutationFn: (id: number) => api('POST', `/api/v1/alert-destinations/${id}/test`),
    onSuccess: () => message.success(t('settings.destinations.testOk')),
    onError: (e) => message.error(e.message),
  });
  if (list.error) return <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  return (
    <>
      {canCreate ? (
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)} style={{ marginBottom: 12 }}>
          {t('settings.destinations.create')}
        </Button>
      ) : null}
      <SettingsTable<Destination>
        list={list}
        columns={[
          { title: t('settings.rules.name'), dataIndex: 'name' },
          { title: t('settings.destinations.kind'), dataIndex: 'kind', render: (v: string) => <Tag>{v}</Tag> },
          { title: t('settings.destinations.config'), dataIndex: 'config', render: (v: unknown) => <Typography.Text code>{JSON.stringify(v)}</Typography.Text> },
          { title: t('settings.created'), dataIndex: 'createdAt', render: (v: string) => formatDate(v, lang) },
          ...(canCreate
            ? [
                {
                  title: t('common.actions'),
                  key: 'a',
                  render: (_: unknown, d: Destination) => (
                    <Space>
                      <Button size="small" onClick={() => test.mutate(d.id)} loading={test.isPending && test.variables === d.id}>
                        {t('settings.destinations.test')}
                      </Button>
                      <DeleteButton onConfirm={() => del.mutate(d.id)} />
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      <Modal open={open} title={t('settings.destinations.create')} onCancel={() => setOpen(false)} onOk={() => form.submit()} okText={t('action.save')} cancelText={t('action.cancel')} confirmLoading={create.isPending} forceRender>
        <Form
          form={form}
          layout="vertical"
          initialValues={{ kind: 'webhook', config: '{\n  "url": "https://hooks.example.com/bulwark",\n  "secret": ""\n}' }}
          onFinish={(v) =>
            create.mutate(v, {
              onSuccess: () => {
                setOpen(false);
                form.resetFields();
              },
            })
          }
        >
          <Form.Item name="kind" label={t('settings.destinations.kind')}>
            <Select options={DEST_KINDS.map((k) => ({ value: k, label: k }))} />
          </Form.Item>
          <Form.Item name="name" label={t('settings.rules.name')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
            <Input />
          </Form.Item>
          <Form.Item
            name="config"
            label={t('settings.destinations.config')}
            rules={[
              {
                validator: (_r, v: string) => {
                  try {
                    JSON.parse(v);
                    return Promise.resolve();
                  } catch {
                    return Promise.reject(new Error(t('settings.destinations.badJson')));
                  }
                },
              },
            ]}
          >
            <Input.TextArea rows={6} style={{ fontFamily: 'monospace' }} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

function Groups() {
  const { t } = useTranslation();
  const lang = useLang();
  const canCreate = useCan('assetGroup.create');
  const list = useQuery({ queryKey: ['asset-groups'], queryFn: () => get<{ items: Group[] }>('/api/v1/asset-groups') });
  const [name, setName] = useState('');
  const create = useAct((n: string) => api('POST', '/api/v1/asset-groups', { name: n }), 'asset-groups', t('common.saved'));
  if (list.error) return <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  return (
    <>
      {canCreate ? (
        <Space.Compact style={{ marginBottom: 12 }}>
          <Input placeholder={t('settings.groups.name')} aria-label={t('settings.groups.name')} value={name} onChange={(e) => setName(e.target.value)} onPressEnter={() => name.trim() && create.mutate(name.trim(), { onSuccess: () => setName('') })} />
          <Button type="primary" icon={<PlusOutlined />} disabled={!name.trim()} onClick={() => create.mutate(name.trim(), { onSuccess: () => setName('') })}>
            {t('settings.groups.create')}
          </Button>
        </Space.Compact>
      ) : null}
      <SettingsTable<Group>
        list={list}
        columns={[
          { title: t('settings.groups.name'), dataIndex: 'name', render: (v: string, g) => <a href={`/assets?group=${g.id}`}>{v}</a> },
          { title: t('settings.created'), dataIndex: 'createdAt', render: (v: string) => formatDate(v, lang) },
        ]}
      />
    </>
  );
}

export default function Settings() {
  const { t } = useTranslation();
  const me = useMe();
  const [sp, setSp] = useSearchParams();
  const isAdmin = useCan('user.read');
  const visible = TABS.filter((k) => isAdmin || (k !== 'users' && k !== 'tokens'));
  const tab = (visible as readonly string[]).includes(sp.get('tab') ?? '') ? (sp.get('tab') as string) : visible[0];
  const content: Record<string, ReactNode> = {
    users: <Users />,
    tokens: <Tokens />,
    rules: <Rules />,
    destinations: <Destinations />,
    groups: <Groups />,
    tenants: <TenantsTab current={me.tenant} />,
    retention: <RetentionTab />,
  };
  return (
    <>
      <PageTitle title={t('settings.title')} subtitle={t('settings.subtitle')} />
      <Card size="small">
        <Tabs activeKey={tab} onChange={(k) => setSp({ tab: k })} items={visible.map((k) => ({ key: k, label: t(`settings.tab.${k}`), children: tab === k ? content[k] : null }))} />
      </Card>
    </>
  );
}
