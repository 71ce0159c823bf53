/**
 * The shareable link: on load, the URL fragment picks the sample, the step, the settings and the
 * model (after the page's own first load, so a link wins over the autosave); from then on the
 * fragment follows the page (history.replaceState: no history entry per click). The model is
 * pointed out in the picker, with a notice, rather than loaded: a link must not start a download
 * of gigabytes by itself, and one click on Load does it.
 */
import { useEffect, useState } from 'react';
import { appStore } from '../../store/store';
import type { AppState } from '../../store/store';
import type { Controller } from '../controller';
import { SAMPLES } from '../samples/load-sample';
import { parseShareHash, shareHash, type ShareState } from './share-state';

/** The sample a trace shows, when it is one of ours (its id is `sample-<id>`). */
export function sampleOf(s: AppState): string | undefined {
  const id = s.trace?.final?.id;
  const sample = id?.startsWith('sample-') ? id.slice('sample-'.length) : undefined;
  return SAMPLES.some((x) => x.id === sample) ? sample : undefined;
}

function chooseLinkedModel(id: string): void {
  const st = appStore.getState();
  if (st.activeModelId === id) return;
  const entry = st.models.find((m) => m.id === id);
  st.chooseModel(id);
  st.addNotice({
    code: 'shared-model',
    message: entry
      ? `This link was made with ${entry.label}. Open the model menu and press Load to run with it; it is marked there.`
      : `This link was made with a model this page does not list (${id}); runs here use the model you load.`,
  });
}

function stateOf(s: AppState, kiosk: boolean): ShareState {
  return {
    sample: sampleOf(s),
    step: s.selectedStep ?? undefined,
    model: s.activeModelId ?? s.chosenModelId ?? undefined,
    settings: s.settings,
    kiosk,
  };
}

export function useShareLink(controller: Controller): ShareState {
  const [initial] = useState(() => parseShareHash(window.location.hash));
  useEffect(() => {
    let live = true;
    let unsubscribe = () => {};
    void (async () => {
      await controller.start();
      if (!live) return;
      if (initial.settings) appStore.getState().updateSettings(initial.settings);
      if (initial.model) chooseLinkedModel(initial.model);
      if (initial.sample && sampleOf(appStore.getState()) !== initial.sample) {
        await controller.openSample(initial.sample);
      }
      if (!live) return;
      if (initial.step !== undefined && initial.step < (appStore.getState().trace?.steps.length ?? 0)) {
        appStore.getState().selectStep(initial.step);
      }
      const write = () => {
        const h = shareHash(stateOf(appStore.getState(), initial.kiosk === true));
        const url = `${window.location.pathname}${window.location.search}${h}`;
        if (window.location.hash !== h) window.history.replaceState(null, '', url);
      };
      write();
      unsubscribe = appStore.subscribe(write);
    })();
    return () => {
      live = false;
      unsubscribe();
    };
  }, [controller, initial]);
  return initial;
}
