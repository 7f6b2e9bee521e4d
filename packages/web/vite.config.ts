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
          groups: [
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender|echarts-for-react)/ },
            { name: 'xyflow', test: /node_modules[\\/]@xyflow/ },
            { name: 'antd', test: /node_modules[\\/](antd|@ant-design|rc-[a-z-]+|@rc-component)/ },
            { name: 'react', test: /node_modules[\\/](react|react-dom|react-router|scheduler)[\\/]/ },
          ],
        },
      },
    },
  },
});
