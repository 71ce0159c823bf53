/**
 * The playground page. The lead's entry renders <App /> (replay only) or <App modelPort={port} />
 * with the worker-backed model port; everything else is wired here.
 */
// The page-wide sheets first: each component's own sheet, imported with it, must cascade after them.
import '../ui/styles.css';
import { useEffect, useMemo } from 'react';
import { appStore, useAppStore } from '../store/store';
import { ActionsContext } from '../ui/actions';
import { ImageCanvas } from '../ui/canvas/ImageCanvas';
import { ComparePanel } from '../ui/compare/ComparePanel';
import { EvalImportPanel } from '../ui/eval-import/EvalImportPanel';
import { Header } from '../ui/Header';
import { DropZone, InputBar, InputNotices } from '../ui/input/ImageInput';
import { usePlayback, useShortcuts } from '../ui/keyboard/use-shortcuts';
import { QuestionPanel } from '../ui/question/QuestionPanel';
import { Scrubber } from '../ui/scrubber/Scrubber';
import { StatusBar } from '../ui/status/StatusBar';
import { Timeline } from '../ui/timeline/Timeline';
import { createController } from './controller';
import type { ModelPort } from './model-port';
import { useKiosk } from './kiosk/use-kiosk';
import { DEFAULT_MODEL_CATALOG } from './model-catalog';
import { useShareLink } from './share/use-share-link';
import { SAMPLES } from './samples/load-sample';

export interface AppProps {
  /** The model port; without one the page replays recorded traces only. */
  modelPort?: ModelPort | null;
}

// Components read the singleton store (useAppStore); the controller must drive the same one.
const store = appStore;

export function App({ modelPort = null }: AppProps) {
  const controller = useMemo(() => createController(store, modelPort), [modelPort]);
  const share = useShareLink(controller);
  useKiosk(share.kiosk === true, controller);
  const presentation = useAppStore((s) => s.presentation);

  useEffect(() => {
    if (store.getState().models.length === 0) store.getState().setModels(DEFAULT_MODEL_CATALOG);
    void controller.start();
    return () => controller.dispose();
  }, [controller]);

  useShortcuts(controller.stop);
  usePlayback();

  useEffect(() => {
    document.documentElement.classList.toggle('presentation', presentation);
  }, [presentation]);

  return (
    <ActionsContext.Provider value={controller}>
      <div className={`app${presentation ? ' app--presentation' : ''}`}>
        <Header />
        <main className="app-main">
          <DropZone>
            <InputBar samples={SAMPLES} />
            <ImageCanvas>
              <InputNotices />
            </ImageCanvas>
          </DropZone>
          <aside className="side-panel">
            <QuestionPanel />
            <EvalImportPanel />
            <ComparePanel />
            <Timeline />
          </aside>
        </main>
        <footer className="app-footer">
          <Scrubber />
          <StatusBar />
        </footer>
      </div>
    </ActionsContext.Provider>
  );
}
