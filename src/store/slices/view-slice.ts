import { stepAfter } from '../step-nav';
import type { SliceCreator } from './types';

/** Canvas view relative to "image fit to panel": zoom 1 and no pan is the fitted view. */
export interface CanvasView {
  zoom: number;
  panX: number;
  panY: number;
}

export const FIT_VIEW: CanvasView = { zoom: 1, panX: 0, panY: 0 };

export interface ViewSlice {
  /** Position in trace.steps (not TraceStep.index); null = overview. */
  selectedStep: number | null;
  hoveredStep: number | null;
  playing: boolean;
  presentation: boolean;
  canvasView: CanvasView;
  selectStep(step: number | null): void;
  hoverStep(step: number | null): void;
  stepBy(delta: number): void;
  setPlaying(playing: boolean): void;
  togglePresentation(): void;
  setCanvasView(view: CanvasView): void;
  resetCanvasView(): void;
}

export const createViewSlice: SliceCreator<ViewSlice> = (set, get) => ({
  selectedStep: null,
  hoveredStep: null,
  playing: false,
  presentation: false,
  canvasView: FIT_VIEW,
  selectStep: (selectedStep) => set({ selectedStep }),
  hoverStep: (hoveredStep) => set({ hoveredStep }),
  stepBy(delta) {
    const s = get();
    set({ selectedStep: stepAfter(s.selectedStep, delta, s.trace?.steps.length ?? 0), playing: false });
  },
  setPlaying: (playing) => set({ playing }),
  togglePresentation: () => set({ presentation: !get().presentation }),
  setCanvasView: (canvasView) => set({ canvasView }),
  resetCanvasView: () => set({ canvasView: FIT_VIEW }),
});
