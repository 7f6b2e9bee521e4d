import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { antdStaticStyle } from './build/antd-static-style.js';
import { CONSOLE_THEME } from './src/theme.js';

// Dev: `npm run dev -w @bulwark/web` proxies /api to a running `bulwark server` (BULWARK_API, default :8099).
const api = process.env.BULWARK_API ?? 'http://127.0.0.1:8099';

export default defineConfig({
  plugins: [react(), antdStaticStyle(CONSOLE_THEME)],
  server: { proxy: { '/api': { target: api, changeOrigin: false } } },
  build: {
    outDir: 'dist',
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      output: {
        codeSplitting: {
          // A group also takes the dependencies of what it matches unless a group of higher priority took them
          // first: react in the echarts chunk (through echarts-for-react) made every page preload and run echarts
          // and xyflow (0.9 MB) before its first paint.
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|react-router|scheduler|use-sync-external-store)[\\/]/, priority: 40 },
            { name: 'antd', test: /node_modules[\\/](antd|@ant-design|rc-[a-z-]+|@rc-component)/, priority: 30 },
            { name: 'xyflow', test: /node_modules[\\/]@xyflow/, priority: 20 },
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender|echarts-for-react)[\\/]/, priority: 10 },
          ],
        },
      },
    },
  },
});
