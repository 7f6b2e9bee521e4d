import { theme, type ThemeConfig } from 'antd';

/**
 * The console's Ant Design theme. The build pre-renders every component's styles with this exact theme into a CSS file
 * (build/antd-static-style.ts); a different theme at runtime would silently fall back to generating styles in the browser.
 */
export const CONSOLE_THEME: ThemeConfig = {
  algorithm: theme.compactAlgorithm,
  token: { colorPrimary: '#1f5fbf', borderRadius: 4 },
};
