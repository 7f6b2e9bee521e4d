import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './locales/en.json';
import zhCN from './locales/zh-CN.json';
import type { Lang } from './lib/format.js';

const stored = typeof localStorage !== 'undefined' ? localStorage.getItem('bulwark.lang') : null;
const initial: Lang = stored === 'zh-CN' || stored === 'en' ? stored : navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
  lng: initial,
  fallbackLng: false,
  interpolation: { escapeValue: false },
  returnNull: false,
  // A missing key must be visible in tests: log it as an error (keys of server data with a defaultValue, such as a
  // framework id the locales do not know yet, fall back to the raw value quietly)
  saveMissing: true,
  missingKeyHandler: (_lngs, _ns, key, _fallback, _update, options: { defaultValue?: unknown } | undefined) => {
    if (options?.defaultValue === undefined) console.error(`i18n: missing key "${key}"`);
  },
});
document.documentElement.lang = initial;

export function setLang(lang: Lang): void {
  localStorage.setItem('bulwark.lang', lang);
  document.documentElement.lang = lang;
  void i18n.changeLanguage(lang);
}

export default i18n;
