// Settings → Tenants: the tenants the caller administers (every tenant for the platform tenant's admins, else their
// own), creating a tenant with its first admin (the generated password is shown once) and renaming.
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Form, Input, Modal, Space, Tag, Typography } from 'antd';
import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, get } from '../../lib/api.js';
import { formatDate } from '../../lib/format.js';
import { useLang } from '../../lib/useLang.js';
import { useCan } from '../../auth.js';
import { ErrorState } from '../../components/States.js';
import { SettingsTable } from './SettingsTable.js';

interface Tenant {
  id: number;
  slug: string;
  name: string;
  createdAt: string;
  users: number;
  openFindings: number;
}

interface TenantList {
  items: Tenant[];
  /** Whether the caller administers the platform (may create tenants and sees every one). */
  platformAdmin: boolean;
}

interface CreateValues {
  slug: string;
  name: string;
  adminEmail: string;
  adminName?: string;
}

interface Created {
  tenant: Tenant;
  admin: { email: string };
  password: string;
}

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function TenantsTab({ current }: { current: { id: number; name: string } }) {
  const { t } = useTranslation();
  const lang = useLang();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const canRead = useCan('tenant.read');
  const canCreate = useCan('tenant.create');
  const canUpdate = useCan('tenant.update');
  const list = useQuery({ queryKey: ['tenants'], queryFn: () => get<TenantList>('/api/v1/tenants'), enabled: canRead });
  const [open, setOpen] = useState(false);
  const [created, setCreated] = useState<Created>();
  const [renaming, setRenaming] = useState<Tenant>();
  const [createForm] = Form.useForm<CreateValues>();
  const [renameForm] = Form.useForm<{ name: string }>();

  const create = useMutation({
    mutationFn: (v: CreateValues) =>
      api<Created>('POST', '/api/v1/tenants', { slug: v.slug, name: v.name.trim(), admin: { email: v.adminEmail, ...(v.adminName?.trim() ? { name: v.adminName.trim() } : {}) } }),
    onSuccess: async (r) => {
      setOpen(false);
      createForm.resetFields();
      setCreated(r);
      await qc.invalidateQueries({ queryKey: ['tenants'] });
    },
    onError: (e) => message.error(e.message),
  });
  const rename = useMutation({
    mutationFn: ({ id, name }: { id: number; name: string }) => api<Tenant>('PATCH', `/api/v1/tenants/${id}`, { name: name.trim() }),
    onSuccess: async () => {
      setRenaming(undefined);
      message.success(t('common.saved'));
      await qc.invalidateQueries({ queryKey: ['tenants'] });
      // The header shows the caller's own tenant name.
      await qc.invalidateQueries({ queryKey: ['me'] });
    },
    onError: (e) => message.error(e.message),
  });

  if (!canRead) return <Alert type="info" showIcon message={t('settings.tenants.adminsOnly', { tenant: current.name })} />;
  if (list.error) return <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  const platformAdmin = list.data?.platformAdmin === true;
  return (
    <>
      {canCreate && platformAdmin ? (
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)} style={{ marginBottom: 12 }} data-testid="tenant-create">
          {t('settings.tenants.create')}
        </Button>
      ) : null}
      {list.data && !platformAdmin ? <Alert type="info" showIcon message={t('settings.tenants.platformOnly')} style={{ marginBottom: 12 }} /> : null}
      <SettingsTable<Tenant>
        list={list}
        columns={[
          {
            title: t('settings.tenants.name'),
            dataIndex: 'name',
            render: (v: string, r) => (
              <Space size={4}>
                {v}
                {r.id === current.id ? <Tag color="blue">{t('settings.tenants.current')}</Tag> : null}
              </Space>
            ),
          },
          { title: t('settings.tenants.slug'), dataIndex: 'slug', render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
          { title: t('settings.tenants.users'), dataIndex: 'users', width: 90, align: 'right' },
          { title: t('settings.tenants.openFindings'), dataIndex: 'openFindings', width: 130, align: 'right' },
          { title: t('settings.created'), dataIndex: 'createdAt', width: 170, render: (v: string) => formatDate(v, lang) },
          ...(canUpdate
            ? [
                {
                  title: t('common.actions'),
                  key: 'a',
                  width: 110,
                  render: (_: unknown, r: Tenant) => (
                    <Button
                      size="small"
                      icon={<EditOutlined />}
                      onClick={() => {
                        renameForm.setFieldsValue({ name: r.name });
                        setRenaming(r);
                      }}
                    >
                      {t('settings.tenants.rename')}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      <Modal
        open={open}
        title={t('settings.tenants.create')}
        onCancel={() => setOpen(false)}
        onOk={() => createForm.submit()}
        okText={t('action.save')}
        cancelText={t('action.cancel')}
        confirmLoading={create.isPending}
        okButtonProps={{ 'data-testid': 'tenant-submit' } as Record<string, string>}
        forceRender
      >
        <Form form={createForm} layout="vertical" name="tenant" onFinish={(v) => create.mutate(v)}>
          <Form.Item name="name" label={t('settings.tenants.name')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
            <Input maxLength={256} data-testid="tenant-name" />
          </Form.Item>
          <Form.Item
            name="slug"
            label={t('settings.tenants.slug')}
            extra={t('settings.tenants.slugHint')}
            rules={[
              { required: true, message: t('common.required') },
              { pattern: SLUG, message: t('settings.tenants.slugInvalid') },
            ]}
          >
            <Input maxLength={63} data-testid="tenant-slug" />
          </Form.Item>
          <Form.Item name="adminEmail" label={t('settings.tenants.adminEmail')} extra={t('settings.tenants.adminHint')} rules={[{ required: true, type: 'email', message: t('common.required') }]}>
            <Input maxLength={384} data-testid="tenant-admin-email" />
          </Form.Item>
          <Form.Item name="adminName" label={t('settings.tenants.adminName')}>
            <Input maxLength={256} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={renaming !== undefined}
        title={t('settings.tenants.renameTitle', { tenant: renaming?.slug ?? '' })}
        onCancel={() => setRenaming(undefined)}
        onOk={() => renameForm.submit()}
        okText={t('action.save')}
        cancelText={t('action.cancel')}
        confirmLoading={rename.isPending}
        forceRender
      >
        <Form form={renameForm} layout="vertical" name="tenant-rename" onFinish={(v) => renaming && rename.mutate({ id: renaming.id, name: v.name })}>
          <Form.Item name="name" label={t('settings.tenants.name')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
            <Input maxLength={256} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal open={created !== undefined} title={t('settings.tenants.created')} onCancel={() => setCreated(undefined)} onOk={() => setCreated(undefined)} okText={t('action.done')} cancelButtonProps={{ style: { display: 'none' } }}>
        <Alert type="warning" showIcon message={t('settings.tenants.once', { tenant: created?.tenant.slug ?? '', email: created?.admin.email ?? '' })} style={{ marginBottom: 12 }} />
        <Typography.Text type="secondary">{t('settings.tenants.password')}</Typography.Text>
        <Typography.Paragraph copyable={{ text: created?.password }} code data-testid="tenant-password">
          {created?.password}
        </Typography.Paragraph>
      </Modal>
    </>
  );
}
