/// <reference lib="webworker" />
import { ModelHost } from './model-host';
import type { FromWorker, ToWorker } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const host = new ModelHost((msg: FromWorker) => scope.postMessage(msg));
scope.onmessage = (e: MessageEvent<ToWorker>) => {
  if (e.data.kind === 'simulate_crash') {
    // Uncaught, outside any promise: the page's Worker gets the error event a real crash gives.
    setTimeout(() => {
      throw new Error('simulated crash (test hook)');
    });
    return;
  }
  void host.handle(e.data);
};
