import { Suspense } from 'react';
import { Link, Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Dropdown, Layout, Menu, Segmented, Space, Tag, Typography } from 'antd';
import {
  AlertOutlined,
  AuditOutlined,
  BugOutlined,
  ClusterOutlined,
  DashboardOutlined,
  FileTextOutlined,
  LogoutOutlined,
  SafetyCertificateOutlined,
  SettingOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, ApiError, get, mayHaveSession, type Me } from '../lib/api.js';
import { can } from '../lib/roles.js';
import { MeContext } from '../auth.js';
import { setLang } from '../i18n.js';
import { ErrorState, Loading } from '../components/States.js';
import type { Lang } from '../lib/format.js';

const { Header, Sider, Content } = Layout;

export function LangSwitch() {
  const { i18n } = useTranslation();
  return (
    <Segmented
      size="small"
      aria-label="Language / 语言"
      value={i18n.language}
      options={[
        { label: 'English', value: 'en' },
        { label: '简体中文', value: 'zh-CN' },
      ]}
      onChange={(v) => setLang(v as Lang)}
      data-testid="lang-switch"
    />
  );
}

export function AppLayout() {
  const { t } = useTranslation();
  const location = useLocation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const session = mayHaveSession();
  const me = useQuery({ queryKey: ['me'], queryFn: () => get<Me>('/api/v1/auth/me'), retry: false, staleTime: 60_000, enabled: session });
  const logout = useMutation({
    mutationFn: () => api('POST', '/api/v1/auth/logout'),
    onSettled: () => {
      qc.clear();
      navigate('/login');
    },
  });

  if (!session || (me.error instanceof ApiError && me.error.status === 401)) {
    const returnTo = location.pathname + location.search;
    return <Navigate to={`/login${returnTo === '/' ? '' : `?returnTo=${encodeURIComponent(returnTo)}`}`} replace />;
  }
  if (me.isPending) return <Loading />;
  if (me.error) {
    return <ErrorState error={me.error} onRetry={() => void me.refetch()} />;
  }
  const role = me.data.role;
  const section = '/' + (location.pathname.split('/')[1] ?? '');
  const selected = section === '/images' ? '/assets' : section;
  const items = [
    { key: '/', icon: <DashboardOutlined />, label: <Link to="/">{t('nav.overview')}</Link> },
    { key: '/assets', icon: <ClusterOutlined />, label: <Link to="/assets">{t('nav.assets')}</Link> },
    { key: '/vulnerabilities', icon: <BugOutlined />, label: <Link to="/vulnerabilities">{t('nav.vulnerabilities')}</Link> },
    { key: '/posture', icon: <SafetyCertificateOutlined />, label: <Link to="/posture">{t('nav.posture')}</Link> },
    { key: '/alerts', icon: <AlertOutlined />, label: <Link to="/alerts">{t('nav.alerts')}</Link> },
    { key: '/reports', icon: <FileTextOutlined />, label: <Link to="/reports">{t('nav.reports')}</Link> },
    { key: '/settings', icon: <SettingOutlined />, label: <Link to="/settings">{t('nav.settings')}</Link> },
    ...(can(role, 'audit.read') ? [{ key: '/audit', icon: <AuditOutlined />, label: <Link to="/audit">{t('nav.audit')}</Link> }] : []),
  ];
  const who = me.data.user?.email ?? me.data.actor;
  return (
    <MeContext.Provider value={me.data}>
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <Layout style={{ minHeight: '100vh' }}>
        <Sider breakpoint="lg" collapsedWidth={56} theme="dark" width={208}>
          <div style={{ color: '#fff', fontWeight: 600, fontSize: 18, padding: '14px 20px', whiteSpace: 'nowrap', overflow: 'hidden' }}>
            <SafetyCertificateOutlined /> {t('app.name')}
          </div>
          <nav aria-label={t('nav.main')}>
            <Menu theme="dark" mode="inline" selectedKeys={[selected]} items={items} />
          </nav>
        </Sider>
        <Layout>
          <Header style={{ background: '#fff', padding: '0 16px', display: 'flex', alignItems: 'center', justifyContent: 'space-between', borderBottom: '1px solid #f0f0f0' }}>
            <Space>
              <Typography.Text type="secondary">{t('app.tenant')}</Typography.Text>
              <Typography.Text strong>{me.data.tenant.name}</Typography.Text>
              {me.data.assetGroups && me.data.assetGroups.length > 0 ? <Tag color="orange">{t('app.scoped')}</Tag> : null}
            </Space>
            <Space size="middle">
              <LangSwitch />
              <Dropdown
                trigger={['click']}
                menu={{
                  items: [{ key: 'logout', icon: <LogoutOutlined />, label: t('app.logout'), onClick: () => logout.mutate() }],
                }}
              >
                <Button type="text" icon={<UserOutlined />} data-testid="user-menu">
                  {who} <Tag style={{ marginLeft: 6 }}>{t(`roles.${role}`)}</Tag>
                </Button>
              </Dropdown>
            </Space>
          </Header>
          <Content style={{ margin: 16 }} id="main" tabIndex={-1}>
            <Suspense fallback={<Loading />}>
              <Outlet />
            </Suspense>
          </Content>
        </Layout>
      </Layout>
    </MeContext.Provider>
  );
}
