import { runSelfTest } from './selftest';

// The page's base URL travels in the message: inside a worker, self.location is the worker script's URL.
self.onmessage = async (e: MessageEvent<{ baseUrl: string }>) => {
  const report = await runSelfTest(e.data.baseUrl);
  self.postMessage(report);
};
