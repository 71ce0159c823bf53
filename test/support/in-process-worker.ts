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
  /**
   * The worker dies as an uncaught exception kills a real one: nothing it says reaches the page
   * any more, and the page's `onerror` fires (asynchronously, as in a browser).
   */
  crash(message: string): void;
  readonly terminated: boolean;
}

/**
 * postMessage's structured clone. Node's structuredClone turns a File into a nameless Blob (a
 * browser keeps it a File), so the Files of a dropped model folder pass as they are: they are
 * immutable, so sharing them is what cloning them would give.
 */
function clonePosted(msg: ToWorker): ToWorker {
  if (msg.kind === 'load' && msg.source.kind === 'files') {
    const { files, ...rest } = msg.source;
    return { ...structuredClone({ ...msg, source: rest }), source: { ...rest, files } } as ToWorker;
  }
  return structuredClone(msg);
}

export function inProcessWorker(makeHost: (post: (msg: FromWorker) => void) => HostLike): InProcessWorker {
  let terminated = false;
  const sent: ToWorker[] = [];
  const w = {
    sent,
    get terminated() {
      return terminated;
    },
    onmessage: null as ((e: MessageEvent<FromWorker>) => void) | null,
    onerror: null as ((e: ErrorEvent) => void) | null,
    postMessage(msg: ToWorker) {
      if (terminated) return;
      const copy = clonePosted(msg);
      sent.push(copy);
      queueMicrotask(() => void host.handle(copy));
    },
    terminate() {
      terminated = true;
    },
    crash(message: string) {
      if (terminated) return;
      terminated = true;
      const event = { message, preventDefault() {} } as ErrorEvent;
      setTimeout(() => w.onerror?.(event), 0);
    },
  };
  const host = makeHost((msg) => {
    if (terminated) return;
    const copy = structuredClone(msg);
    queueMicrotask(() => w.onmessage?.({ data: copy } as MessageEvent<FromWorker>));
  });
  return w as unknown as InProcessWorker;
}
