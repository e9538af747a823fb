import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

// Workspace packages resolve to their TypeScript source (the same condition the services use),
// so `npm run build` does not need contracts' dist first.
export default defineConfig({
  plugins: [react()],
  resolve: { conditions: ['@pms/source', ...defaultClientConditions] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 700,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:4004', '/auth': 'http://127.0.0.1:4004' },
  },
});
