// Renderer entry: pick the transport, build the stores with the api injected, connect events, render the frame.
import './zod-jitless.ts';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { pickBridge } from './bridge/bridge.ts';
import { App } from './app/App.tsx';
import { applyTheme } from './app/theme.ts';
import { createAppStores, StoresContext } from './stores/use-store.ts';
import './styles/theme.css';
import './styles/app.css';

applyTheme('system');
const stores = createAppStores(pickBridge());
stores.health.getState().connect();
stores.settings.getState().connect();
stores.tasks.getState().connect();
stores.stepUp.getState().connect();
void stores.health.getState().refresh();
void stores.settings.getState().load();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StoresContext.Provider value={stores}>
      <App />
    </StoresContext.Provider>
  </StrictMode>,
);
