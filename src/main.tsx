import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { WorkerPort } from './app/worker-port';
import { registerOfflineSupport } from './offline/register';
import { ServerAwarePort } from './app/server-port';

// One worker for the page's lifetime: the model lives in it, never on this thread.
const worker = new WorkerPort();
// A "Server" model source runs the agent here against a chat server; everything else goes to the worker.
const modelPort = new ServerAwarePort(worker);

declare global {
  interface Window {
    /** For end-to-end tests (device-loss simulation); not an API. */
    __deepeyesModelPort?: WorkerPort;
  }
}
window.__deepeyesModelPort = worker;
registerOfflineSupport();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App modelPort={modelPort} />
  </StrictMode>,
);
