import { lazy, Suspense, useEffect, useState } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { useTranslation } from 'react-i18next';
import { ApiError, get, type Finding, type Page, type Summary } from './lib/api.js';
import { findingFiltersToApi, parseFindingFilters } from './lib/filters.js';
import { Loading } from './components/States.js';
import { AppLayout } from './layout/AppLayout.js';
import { CONSOLE_THEME } from './theme.js';

const Login = lazy(() => import('./pages/Login.js'));
const Overview = lazy(() => import('./pages/Overview.js'));
const Assets = lazy(() => import('./pages/Assets.js'));
const AssetDetail = lazy(() => import('./pages/AssetDetail.js'));
const Vulnerabilities = lazy(() => import('./pages/Vulnerabilities.js'));
const ImageDetail = lazy(() => import('./pages/ImageDetail.js'));
const Posture = lazy(() => import('./pages/Posture.js'));
const Alerts = lazy(() => import('./pages/Alerts.js'));
const Reports = lazy(() => import('./pages/Reports.js'));
const Settings = lazy(() => import('./pages/Settings.js'));
const Audit = lazy(() => import('./pages/Audit.js'));
const NotFound = lazy(() => import('./pages/NotFound.js'));

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      refetchOnWindowFocus: false,
      // 4xx answers will not change by asking again
      retry: (n, e) => !(e instanceof ApiError && e.status < 500) && n < 2,
    },
  },
});

/**
 * A signed-in browser opening the vulnerability list (the page analysts live on, often from a shared link) asks for
 * its first page while the console's code still loads, under the same query keys the page uses.
 */
function prefetchLandingPage(): void {
  if (window.location.pathname !== '/vulnerabilities' || !document.cookie.includes('bulwark_csrf=')) return;
  const f = parseFindingFilters(new URLSearchParams(window.location.search));
  const apiQ = findingFiltersToApi(f);
  const sumQ = findingFiltersToApi(f, false);
  void queryClient.prefetchQuery({ queryKey: ['findings', 'list', apiQ.toString()], queryFn: () => get<Page<Finding>>('/api/v1/findings', apiQ) });
  void queryClient.prefetchQuery({ queryKey: ['summary', sumQ.toString()], queryFn: () => get<Summary>('/api/v1/findings/summary', sumQ) });
  // The page's code too, instead of after the layout has rendered.
  void import('./pages/Vulnerabilities.js');
}
prefetchLandingPage();

export function App() {
  const { i18n } = useTranslation();
  const [lang, setLangState] = useState(i18n.language);
  useEffect(() => {
    const on = (l: string) => setLangState(l);
    i18n.on('languageChanged', on);
    return () => i18n.off('languageChanged', on);
  }, [i18n]);
  dayjs.locale(lang === 'zh-CN' ? 'zh-cn' : 'en');
  return (
    <ConfigProvider
      locale={lang === 'zh-CN' ? zhCN : enUS}
      theme={CONSOLE_THEME}
    >
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <BrowserRouter>
            <Suspense fallback={<Loading />}>
              <Routes>
                <Route path="/login" element={<Login />} />
                <Route element={<AppLayout />}>
                  <Route index element={<Overview />} />
                  <Route path="assets" element={<Assets />} />
                  <Route path="assets/:id" element={<AssetDetail />} />
                  <Route path="vulnerabilities" element={<Vulnerabilities />} />
                  <Route path="images/:id" element={<ImageDetail />} />
                  <Route path="posture" element={<Posture />} />
                  <Route path="alerts" element={<Alerts />} />
                  <Route path="reports" element={<Reports />} />
                  <Route path="settings" element={<Settings />} />
                  <Route path="audit" element={<Audit />} />
                  <Route path="overview" element={<Navigate to="/" replace />} />
                  <Route path="*" element={<NotFound />} />
                </Route>
              </Routes>
            </Suspense>
          </BrowserRouter>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  );
}
