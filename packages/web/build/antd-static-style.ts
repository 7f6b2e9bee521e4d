// Ant Design 5 generates each component's CSS in the browser the first time the component renders (CSS-in-JS):
// hashing, serializing and inserting dozens of <style> tags, which cost more than half of the vulnerabilities page's
// first render. At build time we render every component once with the console's theme and keep the resulting CSS with
// @ant-design/cssinjs's cache-path map; in the browser cssinjs reads that map from the stylesheet and skips generating
// the styles it lists (the mechanism antd documents for SSR and static extraction: "Where is the dynamic style?").
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { ComponentType, ReactNode } from 'react';
import type * as ReactModule from 'react';
import type * as ReactDomServer from 'react-dom/server';
import type * as CssInJs from '@ant-design/cssinjs';
import type { Plugin } from 'vite';

// antd's CommonJS build, and the same cssinjs instance it uses (an ESM copy would be a different style cache).
const require = createRequire(import.meta.url);

// Components that render only into portals or need props to render at all (as @ant-design/static-style-extract).
const SKIP = new Set(['ConfigProvider', 'Drawer', 'Grid', 'Modal', 'Popconfirm', 'Popover', 'Tooltip', 'Tour', 'Watermark']);

/** Plain CSS of every Ant Design component under `theme`, ending with cssinjs's `.data-ant-cssinjs-cache-path` rule. */
export function antdStaticCss(theme: unknown): string {
  // Production hash classes (`css-…`, not `css-dev-only-do-not-override-…`) and cache keys, like the browser bundle.
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    const React = require('react') as typeof ReactModule;
    const { renderToString } = require('react-dom/server') as typeof ReactDomServer;
    const antd = require('antd') as Record<string, unknown> & { ConfigProvider: ComponentType<{ theme: unknown; children: ReactNode }> };
    const cssinjs = require('@ant-design/cssinjs') as typeof CssInJs;
    const h = React.createElement;
    const withProps: Record<string, Record<string, unknown>> = {
      Dropdown: { menu: { items: [] }, children: h('div') },
      Menu: { items: [] },
      QRCode: { value: 'https://example.com' },
      Tree: { treeData: [] },
      Affix: { children: h('div') },
    };
    type Comp = ComponentType<Record<string, unknown>> & Record<string, unknown>;
    const nodes = Object.keys(antd)
      .filter((name) => /^[A-Z]/.test(name) && !SKIP.has(name))
      .map((name) => h(antd[name] as Comp, { key: name, ...(withProps[name] ?? {}) }));
    // Sub-components and variants with styles of their own that a bare top-level component does not register: portal
    // components through the static panels antd exports for this, the layout's sider, inputs' variants, colored tags.
    const c = (name: string): Comp => antd[name] as Comp;
    const panel = (name: string): Comp | undefined => (antd[name] as Comp | undefined)?._InternalPanelDoNotUseOrYouWillBeFired as Comp | undefined;
    for (const name of ['Modal', 'Drawer', 'Tooltip', 'Popover', 'Popconfirm', 'Tour', 'Message', 'Notification']) {
      const P = panel(name) ?? panel(name.toLowerCase());
      if (P) nodes.push(h(P, { key: `${name}-panel`, title: 'x', content: 'x', children: 'x', steps: [] }));
    }
    nodes.push(
      h(c('Layout'), { key: 'layout' }, h(c('Layout').Sider as Comp, { theme: 'dark', collapsible: true }), h(c('Layout').Header as Comp), h(c('Layout').Content as Comp)),
      h(c('Input').Search as Comp, { key: 'search', allowClear: true }),
      h(c('Input').Password as Comp, { key: 'password' }),
      h(c('Input').TextArea as Comp, { key: 'textarea' }),
      h(c('Typography').Text as Comp, { key: 'text', type: 'secondary' }, 'x'),
      h(c('Menu'), { key: 'menu-dark', theme: 'dark', mode: 'inline', items: [{ key: 'a', label: 'a' }] }),
      ...['red', 'green', 'blue', 'purple', 'orange', 'gold', 'cyan', 'magenta', 'volcano', 'geekblue', 'lime', 'success', 'processing', 'error', 'warning', 'default', '#a8071a'].map((color) => h(c('Tag'), { key: `tag-${color}`, color }, color)),
    );
    const cache = cssinjs.createCache();
    renderToString(h(cssinjs.StyleProvider, { cache, children: h(antd.ConfigProvider, { theme, children: nodes }) }));
    return cssinjs.extractStyle(cache, true);
  } finally {
    if (previous === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = previous;
  }
}

/** Vite plugin (build only): emits the static Ant Design stylesheet and links it first in index.html. */
export function antdStaticStyle(theme: unknown): Plugin {
  let fileName = '';
  let source = '';
  return {
    name: 'bulwark-antd-static-style',
    apply: 'build',
    buildStart() {
      source = antdStaticCss(theme);
      if (!source.includes('.data-ant-cssinjs-cache-path{content:"')) this.error('antd static style: no cssinjs cache-path map in the extracted CSS');
      fileName = `assets/antd-${createHash('sha256').update(source).digest('hex').slice(0, 10)}.css`;
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName, source });
    },
    transformIndexHtml: {
      order: 'post',
      handler: () => [{ tag: 'link', attrs: { rel: 'stylesheet', href: `/${fileName}` }, injectTo: 'head-prepend' }],
    },
  };
}
