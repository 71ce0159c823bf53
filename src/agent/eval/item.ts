/** One benchmark question as the evaluation loop sees it, whatever dataset it came from. */

import type { OverallRule } from './score';

import type { Box, RgbImage } from '../../base/types';
export type DatasetKind = 'vstar' | 'hrbench';

export interface EvalItem {
  /** Stable across runs (the resume key): V* `{category}/{file}`, HR-Bench the `index` column. */
  id: string;
  dataset: DatasetKind;
  category: string;
  question: string;
  /** Options in dataset order (V*: the right one first; HR-Bench: A-D). */
  options: string[];
  answerIndex: number;
  /** V*: the image file name, written as `image` in the eval record like the official script. */
  imageName?: string;
  /** V*: the ground-truth boxes of the objects asked about, in original-image pixels [x1, y1, x2, y2]. */
  targets?: Box[];
  /** Decodes the image only when the item is run (HR-Bench rows carry it as base64). */
  loadImage(): Promise<RgbImage>;
}

export interface EvalDataset {
  kind: DatasetKind;
  /** e.g. 'vstar', 'hr_bench_4k'. */
  name: string;
  /** Categories in report order. */
  categories: readonly string[];
  overallRule: OverallRule;
  /** Number of items, when known before iterating (for the progress bar). */
  size?: number;
  /** Iterated once. */
  items: AsyncIterable<EvalItem>;
}
