import { createRoot } from 'react-dom/client';
import { pickBridge } from './bridge/bridge.ts';

const api = pickBridge();
function App() {
  return <div data-testid="app-frame">Grantdesk</div>;
}
void api;
createRoot(document.getElementById('root')!).render(<App />);
