/**
 * Kiosk mode for a booth: large type, no file dialogs (no dead ends), an attract loop over the
 * samples' steps and the runs recorded in this browser while nobody touches the screen, and a
 * reset to the start after a minute idle. Full screen needs a visitor's gesture, so the first
 * touch asks for it.
 */
import { useEffect } from 'react';
import type { Trace } from '../../agent/types';
import { loadRecentTraces } from '../../store/autosave';
import { appStore } from '../../store/store';
import { FIT_VIEW } from '../../store/slices/view-slice';
import type { Controller } from '../controller';
import { SAMPLES } from '../samples/load-sample';
import { sampleOf } from '../share/use-share-link';
import {
  ATTRACT_STEP_MS,
  attractItems,
  isIdle,
  KIOSK_IDLE_MS,
  nextAttract,
  runKey,
  shownItem,
} from './attract';

const INPUTS = ['pointerdown', 'keydown', 'touchstart', 'wheel'] as const;

export function useKiosk(enabled: boolean, controller: Controller): void {
  useEffect(() => {
    if (!enabled) return;
    const root = document.documentElement;
    root.classList.add('kiosk');
    const ids = SAMPLES.filter((s) => s.spec).map((s) => s.id);
    // Runs recorded in this browser, read again each time the loop comes back to the start (a run
    // made at the booth joins the loop on its next round).
    let recorded: Trace[] = [];
    const refresh = () =>
      loadRecentTraces()
        .then((ts) => void (recorded = ts))
        .catch(() => {
          // No IndexedDB (a private window): the loop shows the samples only.
        });
    void refresh();
    const items = () =>
      attractItems(
        ids,
        recorded.map((t) => t.id),
      );
    // Before any visitor the loop runs; a visitor pauses it until they have been gone a minute.
    let lastInput = -Infinity;
    let attracting = true;
    let busy = false;

    const onInput = () => {
      lastInput = Date.now();
      attracting = false;
      if (!document.fullscreenElement && root.requestFullscreen) {
        root.requestFullscreen().catch(() => {
          // Refused (no gesture, or a browser policy): the page still works windowed.
        });
      }
    };
    INPUTS.forEach((t) => window.addEventListener(t, onInput, { capture: true, passive: true }));

    const shown = () => {
      const st = appStore.getState();
      return shownItem(
        sampleOf(st),
        st.trace?.final?.id,
        recorded.map((t) => t.id),
      );
    };

    const show = async (item: string, step: number | null) => {
      busy = true;
      try {
        const run = recorded.find((t) => runKey(t.id) === item);
        if (shown() === item) {
          // Already on screen.
        } else if (run) controller.showRecorded(run);
        else await controller.openSample(item);
        const st = appStore.getState();
        st.selectStep(step);
        st.setCanvasView(FIT_VIEW);
      } finally {
        busy = false;
      }
    };

    const tick = () => {
      if (busy || appStore.getState().runStatus !== 'idle') return;
      if (!attracting) {
        if (!isIdle(Date.now(), lastInput, KIOSK_IDLE_MS)) return;
        // The visitor left: back to the start, and the loop resumes from there.
        attracting = true;
        void show(ids[0], null);
        return;
      }
      const st = appStore.getState();
      const all = items();
      const at = { sample: shown() ?? ids[0], step: st.selectedStep };
      const next = nextAttract(all, at, st.trace?.steps.length ?? 0);
      if (next.sample === all[0] && at.sample !== all[0]) void refresh();
      void show(next.sample, next.step);
    };
    const timer = window.setInterval(tick, ATTRACT_STEP_MS);
    return () => {
      window.clearInterval(timer);
      INPUTS.forEach((t) => window.removeEventListener(t, onInput, { capture: true }));
      root.classList.remove('kiosk');
    };
  }, [enabled, controller]);
}
