/// <reference lib="webworker" />
import { ModelHost } from './model-host';
import type { FromWorker, ToWorker } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const host = new ModelHost((msg: FromWorker) => scope.postMessage(msg));
scope.onmessage = (e: MessageEvent<ToWorker>) => {
  void host.handle(e.data);
};
