import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Divider, Form, Input, Space, Typography } from 'antd';
import { LockOutlined, MailOutlined, SafetyCertificateOutlined, TeamOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../lib/api.js';
import { LangSwitch } from '../layout/AppLayout.js';

interface LoginForm {
  tenant?: string;
  email: string;
  password: string;
}

/** Only same-origin paths may be returned to after login. */
function safeReturn(v: string | null): string {
  return v && v.startsWith('/') && !v.startsWith('//') && !v.startsWith('/login') ? v : '/';
}

export default function Login() {
  const { t } = useTranslation();
  const [sp] = useSearchParams();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const returnTo = safeReturn(sp.get('returnTo'));
  const [tenant, setTenant] = useState('');
  const oidcError = sp.get('error');
  // The single sign-on button only when the server has an OIDC provider.
  const providers = useQuery({ queryKey: ['auth-providers'], queryFn: () => api<{ password: boolean; oidc: boolean }>('GET', '/api/v1/auth/providers'), staleTime: Infinity });
  const login = useMutation({
    mutationFn: (v: LoginForm) => api('POST', '/api/v1/auth/login', { ...(v.tenant ? { tenant: v.tenant } : {}), email: v.email, password: v.password }),
    onSuccess: () => {
      qc.clear();
      navigate(returnTo, { replace: true });
    },
  });
  const oidcHref = `/api/v1/auth/oidc/login?returnTo=${encodeURIComponent(returnTo)}${tenant ? `&tenant=${encodeURIComponent(tenant)}` : ''}`;
  const err = login.error instanceof ApiError && login.error.status === 401 ? t('login.invalid') : login.error?.message;
  return (
    <main style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', background: '#f0f2f5' }}>
      <Card style={{ width: 400 }}>
        <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 8 }}>
          <Typography.Title level={3} style={{ margin: 0 }}>
            <SafetyCertificateOutlined /> {t('app.name')}
          </Typography.Title>
          <LangSwitch />
        </Space>
        <Typography.Paragraph type="secondary">{t('login.subtitle')}</Typography.Paragraph>
        {err ? <Alert type="error" showIcon message={err} style={{ marginBottom: 12 }} role="alert" /> : null}
        {oidcError ? <Alert type="error" showIcon message={t('login.oidcFailed')} style={{ marginBottom: 12 }} /> : null}
        <Form<LoginForm> layout="vertical" onFinish={(v) => login.mutate(v)} requiredMark={false} name="login">
          <Form.Item name="tenant" label={t('login.tenant')} extra={t('login.tenantHint')}>
            <Input prefix={<TeamOutlined />} placeholder="default" autoComplete="organization" onChange={(e) => setTenant(e.target.value.trim())} />
          </Form.Item>
          <Form.Item name="email" label={t('login.email')} rules={[{ required: true, message: t('login.emailRequired') }]}>
            <Input prefix={<MailOutlined />} autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item name="password" label={t('login.password')} rules={[{ required: true, message: t('login.passwordRequired') }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={login.isPending} data-testid="login-submit">
            {t('login.submit')}
          </Button>
        </Form>
        {providers.data?.oidc ? (
          <>
            <Divider plain>{t('login.or')}</Divider>
            <Button block href={oidcHref} data-testid="login-oidc">
              {t('login.oidc')}
            </Button>
            <Typography.Paragraph type="secondary" style={{ marginTop: 8, fontSize: 12 }}>
              {t('login.oidcHint')}
            </Typography.Paragraph>
          </>
        ) : null}
      </Card>
    </main>
  );
}
