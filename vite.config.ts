/** Builds the web app (web/) into dist/web, which `foryou serve` serves at `/`. */
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const API = process.env.FORYOU_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  plugins: [react()],
  // Same-origin only: no CDN; assets are fingerprinted files under /assets/.
  base: '/',
  build: {
    outDir: fileURLToPath(new URL('./dist/web', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
  },
  // `npx vite` develops against a running `foryou serve` (FORYOU_API, default port 8080).
  server: { proxy: { '/v1': API, '/media': API } },
});
