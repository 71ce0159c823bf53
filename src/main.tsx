import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { WorkerPort } from './app/worker-port';
import { registerOfflineSupport } from './offline/register';

// One engine for the page's lifetime: the model lives in its worker, never on this thread.
const engine = new WorkerPort();

declare global {
  interface Window {
    /** For end-to-end tests (device-loss simulation); not an API. */
    __deepeyesEngine?: WorkerPort;
  }
}
window.__deepeyesEngine = engine;
registerOfflineSupport();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App engine={engine} />
  </StrictMode>,
);
