// electron-vite: main (src-main/index.ts, ESM), preload (src-preload/index.ts, CommonJS because sandboxed preloads
// cannot be ESM, with every dependency bundled since a sandboxed preload can require only 'electron'), and the
// renderer (src-renderer/index.html, same settings as vite.web.config.ts). Native modules stay external in main.
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

const root = import.meta.dirname;
const native = ['better-sqlite3', 'keytar'];

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      externalizeDeps: { include: native },
      rolldownOptions: {
        input: { index: resolve(root, 'src-main/index.ts') },
        external: ['electron', ...native],
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'src-preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    base: './',
    plugins: [react()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      emptyOutDir: true,
      // CSP has no unsafe-inline: no inline module preload polyfill, no inlined assets
      modulePreload: { polyfill: false },
      assetsInlineLimit: 0,
      rolldownOptions: {
        input: { index: resolve(root, 'src-renderer/index.html') },
      },
    },
  },
});
