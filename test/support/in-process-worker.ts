/**
 * The model worker's real host (src/worker) running in this thread behind a Worker-shaped
 * object, so page-side code (client, port) can be tested against the real message handling in
 * Node. Messages are structured-cloned both ways, as postMessage does.
 */
import type { FromWorker, ToWorker } from '../../src/worker/protocol';

export interface HostLike {
  handle(msg: ToWorker): Promise<void>;
}

export interface InProcessWorker extends Worker {
  /** Every message the page posted, in order. */
  readonly sent: ToWorker[];
}

export function inProcessWorker(makeHost: (post: (msg: FromWorker) => void) => HostLike): InProcessWorker {
  let terminated = false;
  const sent: ToWorker[] = [];
  const w = {
    sent,
    onmessage: null as ((e: MessageEvent<FromWorker>) => void) | null,
    onerror: null as ((e: ErrorEvent) => void) | null,
    postMessage(msg: ToWorker) {
      const copy = structuredClone(msg);
      sent.push(copy);
      queueMicrotask(() => void host.handle(copy));
    },
    terminate() {
      terminated = true;
    },
  };
  const host = makeHost((msg) => {
    if (terminated) return;
    const copy = structuredClone(msg);
    queueMicrotask(() => w.onmessage?.({ data: copy } as MessageEvent<FromWorker>));
  });
  return w as unknown as InProcessWorker;
}
