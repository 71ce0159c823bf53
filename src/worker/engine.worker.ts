/// <reference lib="webworker" />
import { EngineHost } from './engine-host';
import type { FromWorker, ToWorker } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const host = new EngineHost((msg: FromWorker) => scope.postMessage(msg));
scope.onmessage = (e: MessageEvent<ToWorker>) => {
  void host.handle(e.data);
};
