/**
 * A real tiny model (TINY_CONFIG, converted by our converter, run by our runtime) whose greedy
 * reply to every turn is ZOOM_REPLY: a bigram model (src/convert/synth/bigram.ts) whose chain
 * starts at the `\n` that ends every prompt (`<|im_start|>assistant\n`) and ends in </tool_call>,
 * where the turn stops. The agent crops, sends the crop, and the same call comes again each turn
 * until the crop budget ends the run.
 *
 * The text is chosen so that no token of it has two successors: no spaces (`,` `"` `:` would
 * repeat), and the box's separators `,\n`, `,\n\n`, `,\r\n` are three distinct single tokens
 * followed by digits that appear once each (digit 2 only in `bbox_2d`). Qwen writes numbers
 * digit by digit, so a box is one token per digit.
 */
import type { Box } from '../../src/base/types';
import { TINY_CONFIG, writeTinyModel } from '../../src/cli/build-tiny-model';
import type { ConvertDtype } from '../../src/convert/convert';
import { bigramWeights } from '../../src/convert/synth/bigram';
import { loadTestTokenizer } from '../../src/convert/synth/test-tokenizer';
import { parseQwenVLConfig } from '../../src/model/config';

/** The box of every zoom, in pixels of the image the model saw: 52 x 63 px. */
export const ZOOM_BOX: Box = [1, 4, 53, 67];

/** Every turn's reply, exactly. */
export const ZOOM_REPLY =
  '<tool_call>{"name":"image_zoom_in_tool","arguments":{"bbox_2d":[1,\n4,\n\n53,\r\n67]}}</tool_call>';

/** Token id of `\n`, the last token of every prompt the agent sends. */
const NEWLINE = 198;

/** The chain the model says: `\n`, then ZOOM_REPLY's tokens. */
export function zoomChain(): number[] {
  const ids = loadTestTokenizer().encode(ZOOM_REPLY);
  return [NEWLINE, ...ids];
}

/** Tokens the model generates per turn (ZOOM_REPLY's tokens, </tool_call> included). */
export function zoomReplyTokens(): number {
  return zoomChain().length - 1;
}

export async function writeZoomBigramModel(outDir: string, dtypes: ConvertDtype[]): Promise<void> {
  await writeTinyModel(outDir, {
    dtypes,
    modelId: 'tiny zoom bigram (greedy reply: one zoom call per turn)',
    overrides: bigramWeights(parseQwenVLConfig(TINY_CONFIG), zoomChain()),
  });
}
