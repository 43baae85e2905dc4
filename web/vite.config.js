import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The build lands inside the Python package so that `pip install` ships it. The API
// mounts that folder at `/` (api/app.py); relative asset URLs also keep it working
// behind a proxy that serves it under a prefix.
export default defineConfig({
  base: './',
  build: {
    outDir: fileURLToPath(new URL('../src/eventscribe/web/static/', import.meta.url)),
    emptyOutDir: true,
    // No source maps: they would double the size of what every wheel carries.
    sourcemap: false,
    chunkSizeWarningLimit: 600,
  },
  server: {
    // `npm run dev` against a running `eventscribe serve` on the default port.
    proxy: { '/api': 'http://127.0.0.1:8000' },
  },
});
