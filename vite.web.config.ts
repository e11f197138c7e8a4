// Renderer-only build (serve mode and Chromium tests). electron.vite.config.ts builds the same renderer for the app.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';

export default defineConfig({
  root: resolve(import.meta.dirname, 'src-renderer'),
  base: './',
  plugins: [react()],
  build: {
    // GRANTDESK_RENDERER_DIR: build somewhere else (the demo test builds into an empty folder, as on a fresh clone)
    outDir: process.env.GRANTDESK_RENDERER_DIR ? resolve(process.env.GRANTDESK_RENDERER_DIR) : resolve(import.meta.dirname, 'out/renderer'),
    emptyOutDir: true,
    // CSP has no unsafe-inline: no inline module preload polyfill, no inlined assets
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    // one local bundle for a desktop app; nothing is fetched over a network, so chunk size is not a page-load concern
    chunkSizeWarningLimit: 4096,
  },
});
