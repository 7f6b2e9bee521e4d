import { useTranslation } from 'react-i18next';
import type { Lang } from './format.js';

export function useLang(): Lang {
  const { i18n } = useTranslation();
  return i18n.language === 'zh-CN' ? 'zh-CN' : 'en';
}
