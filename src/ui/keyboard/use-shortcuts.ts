/** Window-level shortcuts (see key-action.ts), and the play loop that walks the steps. */
import { useEffect } from 'react';
import { appStore, useAppStore } from '../../store/store';
import { playbackNext, playbackStart } from '../../store/step-nav';
import { keyAction } from './key-action';

export const PLAY_INTERVAL_MS = 1800;

export function useShortcuts(stop: () => void): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      const action = keyAction({
        key: e.key,
        ctrlKey: e.ctrlKey,
        metaKey: e.metaKey,
        altKey: e.altKey,
        targetTag: t?.tagName,
        targetEditable: t?.isContentEditable,
        targetType: t instanceof HTMLInputElement ? t.type : undefined,
      });
      if (!action) return;
      const st = appStore.getState();
      const count = st.trace?.steps.length ?? 0;
      switch (action) {
        case 'prev':
        case 'next':
          if (st.runStatus !== 'idle') return;
          e.preventDefault();
          st.stepBy(action === 'next' ? 1 : -1);
          break;
        case 'play_pause':
          if (st.runStatus !== 'idle' || count === 0) return;
          e.preventDefault();
          if (st.playing) st.setPlaying(false);
          else {
            st.selectStep(playbackStart(st.selectedStep, count));
            st.setPlaying(true);
          }
          break;
        case 'stop':
          if (st.runStatus === 'idle') {
            if (st.playing) st.setPlaying(false);
            return;
          }
          e.preventDefault();
          stop();
          break;
        case 'presentation':
          e.preventDefault();
          st.togglePresentation();
          break;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [stop]);
}

export function usePlayback(): void {
  const playing = useAppStore((s) => s.playing);
  useEffect(() => {
    if (!playing) return;
    const tick = () => {
      const st = appStore.getState();
      const next = playbackNext(st.selectedStep, st.trace?.steps.length ?? 0);
      if (next === 'end') st.setPlaying(false);
      else st.selectStep(next);
    };
    // The first step shows at once; later ones after a pause long enough to read the card.
    tick();
    const id = setInterval(tick, PLAY_INTERVAL_MS);
    return () => clearInterval(id);
  }, [playing]);
}
