import type { ErrorInfo } from '../../base/errors';
import type { SliceCreator } from './types';

import type { RgbImage } from '../../base/types';
/** The image the user gave, decoded: pixels for the model and a drawable for the canvas. */
export interface InputImage {
  rgb: RgbImage;
  /** What the canvas draws (ImageBitmap or canvas), already oriented and downscaled. */
  drawable: CanvasImageSource;
  name: string;
  /** Size of the file as given, before any downscale. */
  sourceWidth: number;
  sourceHeight: number;
  format: string;
  notices: string[];
}

export const MAX_OPTIONS = 6;

export interface InputSlice {
  inputImage: InputImage | null;
  inputError: ErrorInfo | null;
  question: string;
  /** Multiple-choice options; empty = free question. */
  options: string[];
  setInputImage(image: InputImage | null): void;
  setInputError(error: ErrorInfo | null): void;
  setQuestion(question: string): void;
  setOption(index: number, text: string): void;
  addOption(): void;
  removeOption(index: number): void;
  setOptions(options: string[]): void;
}

export const createInputSlice: SliceCreator<InputSlice> = (set, get) => ({
  inputImage: null,
  inputError: null,
  question: '',
  options: [],
  setInputImage(inputImage) {
    // A new picture makes the shown trace about another image: drop it.
    set({
      inputImage,
      inputError: null,
      runError: null,
      trace: null,
      traceSource: null,
      selectedStep: null,
      hoveredStep: null,
      playing: false,
    });
  },
  setInputError: (inputError) => set({ inputError }),
  setQuestion: (question) => set({ question }),
  setOption: (i, text) => set({ options: get().options.map((o, j) => (j === i ? text : o)) }),
  addOption() {
    const options = get().options;
    if (options.length < MAX_OPTIONS) set({ options: [...options, ''] });
  },
  removeOption: (i) => set({ options: get().options.filter((_, j) => j !== i) }),
  setOptions: (options) => set({ options: options.slice(0, MAX_OPTIONS) }),
});
