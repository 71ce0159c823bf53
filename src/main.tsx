import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { WorkerPort } from './app/worker-port';
import { registerOfflineSupport } from './offline/register';

// One model port for the page's lifetime: the model lives in its worker, never on this thread.
const modelPort = new WorkerPort();

declare global {
  interface Window {
    /** For end-to-end tests (device-loss simulation); not an API. */
    __deepeyesModelPort?: WorkerPort;
  }
}
window.__deepeyesModelPort = modelPort;
registerOfflineSupport();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App modelPort={modelPort} />
  </StrictMode>,
);
