// Electron main entry (built to out/main/index.js by electron-vite). The shell lives in src-main/electron/.
import * as electron from 'electron';
import { startShell } from './electron/shell.ts';

startShell(electron, { mainDir: import.meta.dirname });
