// Sandboxed preload (bundled to out/preload/index.cjs): exposes window.grantdesk with named methods only.
import { contextBridge, ipcRenderer } from 'electron';
import { exposeGrantdeskApi } from './api.ts';

exposeGrantdeskApi(contextBridge, ipcRenderer);
