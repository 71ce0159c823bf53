import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { WorkerPort } from './app/worker-port';
import { ServerAwarePort } from './app/server-port';

// One engine for the page's lifetime: the model lives in its worker, never on this thread.
const worker = new WorkerPort();
// A "Server" model source runs the agent here against a chat server; everything else goes to the worker.
const engine = new ServerAwarePort(worker);

declare global {
  interface Window {
    /** For end-to-end tests (device-loss simulation); not an API. */
    __deepeyesEngine?: WorkerPort;
  }
}
window.__deepeyesEngine = worker;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App engine={engine} />
  </StrictMode>,
);
