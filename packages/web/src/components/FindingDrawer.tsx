import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { Descriptions, Drawer, List, Progress, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { get, type Finding } from '../lib/api.js';
import { formatDate, formatNumber, formatPercent } from '../lib/format.js';
import { useLang } from '../lib/useLang.js';
import { ErrorState, SkeletonBlock } from './States.js';
import { SeverityTag, StatusTag } from './common.js';

/** The finding's package and its key (purl, else name@version: the server's package filter and group key). */
export function packageOf(f: Finding): { name: string; version: string; key: string } | undefined {
  const p = f.payload.package as { name?: string; version?: string; purl?: string } | undefined;
  if (!p?.name) return undefined;
  return { name: p.name, version: p.version ?? '', key: p.purl || (p.version ? `${p.name}@${p.version}` : p.name) };
}

export function FindingDrawer({ id, onClose }: { id: number | undefined; onClose: () => void }) {
  const { t } = useTranslation();
  const lang = useLang();
  const q = useQuery({ queryKey: ['finding', id], queryFn: () => get<Finding>(`/api/v1/findings/${id}`), enabled: id !== undefined });
  const f = q.data;
  const pkg = f ? packageOf(f) : undefined;
  const fixed = (f?.payload.fixedVersions as string[] | undefined) ?? [];
  const frameworks = (f?.payload.frameworks as { framework: string; control: string }[] | undefined) ?? [];
  return (
    <Drawer open={id !== undefined} onClose={onClose} width={640} title={f ? `${f.ruleId} — ${f.title}` : t('finding.detail')} destroyOnHidden>
      {q.error ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : !f ? (
        <SkeletonBlock />
      ) : (
        <Space direction="vertical" style={{ width: '100%' }} size="middle">
          <Descriptions size="small" column={2} bordered>
            <Descriptions.Item label={t('finding.severity')}>
              <SeverityTag severity={f.severity} />
            </Descriptions.Item>
            <Descriptions.Item label={t('finding.status')}>
              <StatusTag status={f.status} />
            </Descriptions.Item>
            <Descriptions.Item label={t('finding.cvss')}>{formatNumber(f.cvss, lang)}</Descriptions.Item>
            <Descriptions.Item label={t('finding.epss')}>{formatPercent(f.epss, lang)}</Descriptions.Item>
            <Descriptions.Item label={t('finding.kev')}>{f.kev ? <Tag color="red">{t('common.yes')}</Tag> : t('common.no')}</Descriptions.Item>
            <Descriptions.Item label={t('finding.fixAvailable')}>{f.fixAvailable ? t('common.yes') : t('common.no')}</Descriptions.Item>
            {pkg ? (
              <Descriptions.Item label={t('finding.package')} span={2}>
                <Link to={`/vulnerabilities?${new URLSearchParams({ package: pkg.key, status: '' }).toString()}`} onClick={onClose}>
                  {pkg.name} {pkg.version}
                </Link>
                {fixed.length ? (
                  <Typography.Text type="secondary">
                    {' '}
                    → {fixed.join(', ')}
                  </Typography.Text>
                ) : null}
              </Descriptions.Item>
            ) : null}
            <Descriptions.Item label={t('finding.asset')} span={2}>
              {f.asset ? f.asset.kind === 'image' ? <Link to={`/images/${f.asset.id}`}>{f.asset.key}</Link> : <Link to={`/assets/${f.asset.id}`}>{f.asset.key}</Link> : f.target}
            </Descriptions.Item>
            <Descriptions.Item label={t('finding.firstSeen')}>{formatDate(f.firstSeen, lang)}</Descriptions.Item>
            <Descriptions.Item label={t('finding.lastSeen')}>{formatDate(f.lastSeen, lang)}</Descriptions.Item>
            {f.statusReason ? (
              <Descriptions.Item label={t('finding.reason')} span={2}>
                {f.statusReason} {f.statusOwner ? `(${f.statusOwner})` : ''} {f.statusExpiresAt ? `· ${t('finding.expires')} ${formatDate(f.statusExpiresAt, lang)}` : ''}
              </Descriptions.Item>
            ) : null}
          </Descriptions>
          <div>
            <Typography.Title level={5}>
              {t('finding.priority')} {formatNumber(f.priority.score, lang)}
            </Typography.Title>
            <List
              size="small"
              dataSource={f.priority.factors}
              renderItem={(x) => (
                <List.Item>
                  <Space style={{ width: '100%' }} direction="vertical" size={0}>
                    <Typography.Text strong>{t(`factor.${x.name}`, { defaultValue: x.name })}</Typography.Text>
                    <Progress percent={Math.min(100, (x.weight / 35) * 100)} showInfo={false} size="small" />
                    <Typography.Text type="secondary">{x.detail}</Typography.Text>
                  </Space>
                </List.Item>
              )}
            />
          </div>
          {frameworks.length ? (
            <div>
              <Typography.Title level={5}>{t('posture.controls')}</Typography.Title>
              {frameworks.map((x) => (
                <Tag key={`${x.framework}/${x.control}`}>
                  {x.framework} {x.control}
                </Tag>
              ))}
            </div>
          ) : null}
          {typeof f.payload.description === 'string' ? (
            <div>
              <Typography.Title level={5}>{t('finding.description')}</Typography.Title>
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }} ellipsis={{ rows: 12, expandable: true }}>
                {f.payload.description}
              </Typography.Paragraph>
            </div>
          ) : null}
          {typeof f.payload.message === 'string' ? <Typography.Paragraph>{f.payload.message as string}</Typography.Paragraph> : null}
        </Space>
      )}
    </Drawer>
  );
}
