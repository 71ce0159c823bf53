/**
 * Reads the store at most once per animation frame. Used for what changes per token (the live
 * step's text, speed figures): a 50 tok/s stream then costs one render per frame, not per token.
 */
import { useEffect, useState } from 'react';
import { appStore, type AppState } from '../store/store';

export function useRafSelector<T>(
  selector: (s: AppState) => T,
  equal: (a: T, b: T) => boolean = Object.is,
): T {
  const [value, setValue] = useState(() => selector(appStore.getState()));
  useEffect(() => {
    let raf = 0;
    let last = selector(appStore.getState());
    setValue(last);
    const unsub = appStore.subscribe(() => {
      if (raf) return;
      raf = requestAnimationFrame(() => {
        raf = 0;
        const next = selector(appStore.getState());
        if (!equal(last, next)) {
          last = next;
          setValue(next);
        }
      });
    });
    return () => {
      unsub();
      if (raf) cancelAnimationFrame(raf);
    };
  }, [selector, equal]);
  return value;
}
